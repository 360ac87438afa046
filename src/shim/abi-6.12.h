/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm_scmi core transport ABI, revision 612: Linux 6.12.x.
 *
 * Checked against Debian linux-source-6.12 (6.12.117) and the BTF of the
 * Debian 6.12.117 arm64 kernel: 48-byte scmi_chan_info without max_msg_size,
 * 24-byte scmi_desc without atomic_threshold, scmi_transport pointing to the
 * descriptor.
 */
#ifndef VSCMI_SHIM_ABI_6_12_H
#define VSCMI_SHIM_ABI_6_12_H

#include "core-common.h"

#define VSCMI_ABI_NAME "6.12"
/* struct scmi_transport embeds the descriptor (6.14+) or points to it */
#define VSCMI_TRANSPORT_EMBEDS_DESC 0
/* struct scmi_chan_info carries max_msg_size (6.13+) */
#define VSCMI_CINFO_HAS_MAX_MSG_SIZE 0

/**
 * struct scmi_chan_info - a channel, allocated by the core
 * @id: protocol id the channel was set up for
 * @dev: the channel's transport device
 * @is_p2a: platform-to-agent (notification) channel
 * @rx_timeout_ms: reply timeout, a copy of the descriptor's
 * @handle: the SCMI instance (see the ordering note in attach.c)
 * @no_completion_irq: the channel must be polled
 * @transport_info: owned by the transport
 */
struct scmi_chan_info {
	int id;
	struct device *dev;
	bool is_p2a;
	unsigned int rx_timeout_ms;
	struct scmi_handle *handle;
	bool no_completion_irq;
	void *transport_info;
};

/**
 * struct scmi_desc - transport description, read (and partly written) by the core
 * @ops: the transport operations
 * @max_rx_timeout_ms: reply timeout; the core overrides it from DT
 * @max_msg: messages in flight if get_max_msg is not provided
 * @max_msg_size: largest payload of any message
 * @force_polling: every command is polled
 * @sync_cmds_completed_on_ret: replies are complete when send returns
 * @atomic_enabled: atomic (polled, non-sleeping) transfers are allowed
 */
struct scmi_desc {
	const struct scmi_transport_ops *ops;
	int max_rx_timeout_ms;
	int max_msg;
	int max_msg_size;
	const bool force_polling;
	const bool sync_cmds_completed_on_ret;
	const bool atomic_enabled;
};

/**
 * struct scmi_transport - platform data of the "arm-scmi" platform device
 * @supplier: device whose unbinding must tear the SCMI instance down
 * @desc: the transport description (must stay writable: the core writes it)
 * @core_ops: where the core stores its struct scmi_transport_core_operations
 */
struct scmi_transport {
	struct device *supplier;
	struct scmi_desc *desc;
	struct scmi_transport_core_operations **core_ops;
};

#define VSCMI_LAYOUT_STRUCTS(TYPE)			\
	TYPE(scmi_chan_info)				\
	TYPE(scmi_desc)					\
	TYPE(scmi_transport)				\
	vscmi_common_struct_list(TYPE)

#define VSCMI_LAYOUT_MEMBERS(TYPE)				\
	TYPE(scmi_chan_info, id)				\
	TYPE(scmi_chan_info, dev)				\
	TYPE(scmi_chan_info, is_p2a)			\
	TYPE(scmi_chan_info, rx_timeout_ms)		\
	TYPE(scmi_chan_info, handle)			\
	TYPE(scmi_chan_info, no_completion_irq)		\
	TYPE(scmi_chan_info, transport_info)		\
	TYPE(scmi_desc, ops)				\
	TYPE(scmi_desc, max_rx_timeout_ms)			\
	TYPE(scmi_desc, max_msg)				\
	TYPE(scmi_desc, max_msg_size)			\
	TYPE(scmi_desc, force_polling)			\
	TYPE(scmi_desc, sync_cmds_completed_on_ret)	\
	TYPE(scmi_desc, atomic_enabled)			\
	TYPE(scmi_transport, supplier)			\
	TYPE(scmi_transport, desc)				\
	TYPE(scmi_transport, core_ops)			\
	vscmi_common_struct_members(TYPE)

#endif /* VSCMI_SHIM_ABI_6_12_H */
