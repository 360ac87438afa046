/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm_scmi core transport ABI, revision 701: Linux 7.1 to 7.3.x.
 *
 * Checked against Debian linux-source-7.2 (7.2.13) and linux-source-7.3
 * (7.3.4) and their arm64 BTF: scmi_desc.no_completion_irq at offset 24 (the
 * three const bools move to 25-27), scmi_transport in its 56-byte 7.2 form
 * with the trailing transport handle pointer.
 */
#ifndef VSCMI_SHIM_ABI_7_1_H
#define VSCMI_SHIM_ABI_7_1_H

#include "core-common.h"

#define VSCMI_ABI_NAME "7.1-7.3"
/* struct scmi_transport embeds the descriptor (6.14+) or points to it */
#define VSCMI_TRANSPORT_EMBEDS_DESC 1
/* struct scmi_chan_info carries max_msg_size (6.13+) */
#define VSCMI_CINFO_HAS_MAX_MSG_SIZE 1

/**
 * struct scmi_chan_info - a channel, allocated by the core
 * @id: protocol id the channel was set up for
 * @dev: the channel's transport device
 * @is_p2a: platform-to-agent (notification) channel
 * @rx_timeout_ms: reply timeout, a copy of the descriptor's
 * @max_msg_size: largest payload, from the descriptor or DT arm,max-msg-size
 * @handle: the SCMI instance (see the ordering note in attach.c)
 * @no_completion_irq: the channel must be polled
 * @transport_info: owned by the transport
 */
struct scmi_chan_info {
	int id;
	struct device *dev;
	bool is_p2a;
	unsigned int rx_timeout_ms;
	unsigned int max_msg_size;
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
 * @atomic_threshold: DT atomic-threshold-us, latency limit for atomic use
 * @no_completion_irq: DT arm,no-completion-irq (written by the core)
 * @force_polling: every command is polled
 * @sync_cmds_completed_on_ret: replies are complete when send returns
 * @atomic_enabled: atomic (polled, non-sleeping) transfers are allowed
 */
struct scmi_desc {
	const struct scmi_transport_ops *ops;
	int max_rx_timeout_ms;
	int max_msg;
	int max_msg_size;
	unsigned int atomic_threshold;
	bool no_completion_irq;
	const bool force_polling;
	const bool sync_cmds_completed_on_ret;
	const bool atomic_enabled;
};

/**
 * struct scmi_transport_handle - transport instance handle (7.2+)
 * @supplier_get: take the supplier device (macro-generated transports only)
 * @supplier_put: give the supplier device back
 *
 * Declared for the layout check only: the 7.2/7.3 core never reads it and
 * this module does not use the upstream supplier state machine.
 */
struct scmi_transport_handle {
	struct device *(*supplier_get)(const struct scmi_transport_handle *th);
	int (*supplier_put)(const struct scmi_transport_handle *th,
			    struct device *dev);
};

/**
 * struct scmi_transport - platform data of the "arm-scmi" platform device
 * @supplier: device whose unbinding must tear the SCMI instance down
 * @desc: the transport description, copied per instance
 * @core_ops: where the core stores its struct scmi_transport_core_operations
 * @th: transport handle; appended in 7.2, never read by the 7.1-7.3 core,
 *	left NULL (the 56-byte 7.2 form is harmless for a 7.1 core, whose
 *	platform_device_add_data() copy simply carries 8 more bytes)
 */
struct scmi_transport {
	struct device *supplier;
	struct scmi_desc desc;
	struct scmi_transport_core_operations **core_ops;
	const struct scmi_transport_handle *th;
};

#define VSCMI_LAYOUT_STRUCTS(TYPE)			\
	TYPE(scmi_chan_info)				\
	TYPE(scmi_desc)					\
	TYPE(scmi_transport)				\
	TYPE(scmi_transport_handle)			\
	vscmi_common_struct_list(TYPE)

#define VSCMI_LAYOUT_MEMBERS(TYPE)				\
	TYPE(scmi_chan_info, id)				\
	TYPE(scmi_chan_info, dev)				\
	TYPE(scmi_chan_info, is_p2a)			\
	TYPE(scmi_chan_info, rx_timeout_ms)		\
	TYPE(scmi_chan_info, max_msg_size)			\
	TYPE(scmi_chan_info, handle)			\
	TYPE(scmi_chan_info, no_completion_irq)		\
	TYPE(scmi_chan_info, transport_info)		\
	TYPE(scmi_desc, ops)				\
	TYPE(scmi_desc, max_rx_timeout_ms)			\
	TYPE(scmi_desc, max_msg)				\
	TYPE(scmi_desc, max_msg_size)			\
	TYPE(scmi_desc, atomic_threshold)			\
	TYPE(scmi_desc, no_completion_irq)			\
	TYPE(scmi_desc, force_polling)			\
	TYPE(scmi_desc, sync_cmds_completed_on_ret)	\
	TYPE(scmi_desc, atomic_enabled)			\
	TYPE(scmi_transport, supplier)			\
	TYPE(scmi_transport, desc)				\
	TYPE(scmi_transport, core_ops)			\
	TYPE(scmi_transport, th)				\
	TYPE(scmi_transport_handle, supplier_get)		\
	TYPE(scmi_transport_handle, supplier_put)		\
	vscmi_common_struct_members(TYPE)

#endif /* VSCMI_SHIM_ABI_7_1_H */
