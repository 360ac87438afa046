/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations of the arm_scmi core's private transport interface that did
 * not change between Linux 6.12 and 7.3.  Included only by the per-revision
 * abi-*.h files, which add the structures that did change.
 *
 * Sources checked: Debian linux-source-6.12 (6.12.117) and linux-source-7.3
 * (7.3.4) drivers/firmware/arm_scmi/common.h and protocols.h, and the BTF of
 * the Debian 6.12.117 / 7.2.13 / 7.3.4 arm64 kernels (pahole).  Only the
 * layout is reproduced here; the transport never calls into the core except
 * through the two function pointers of struct scmi_transport_core_operations
 * and, on remove, the exported scmi_device_destroy() (declared below).
 */
#ifndef VSCMI_SHIM_CORE_COMMON_H
#define VSCMI_SHIM_CORE_COMMON_H

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/completion.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct device;
struct device_node;
struct scmi_handle;
struct scmi_shared_mem_operations;
struct scmi_message_operations;
struct scmi_chan_info;
struct scmi_xfer;

/* SCMI message header fields (SCMI specification, section 4.1.1) */
#define MSG_ID_MASK		GENMASK(7, 0)
#define MSG_TYPE_MASK		GENMASK(9, 8)
#define MSG_PROTOCOL_ID_MASK	GENMASK(17, 10)
#define MSG_TOKEN_ID_MASK	GENMASK(27, 18)
#define MSG_XTRACT_ID(hdr)	FIELD_GET(MSG_ID_MASK, (hdr))
#define MSG_XTRACT_TYPE(hdr)	FIELD_GET(MSG_TYPE_MASK, (hdr))
#define MSG_XTRACT_PROT_ID(hdr)	FIELD_GET(MSG_PROTOCOL_ID_MASK, (hdr))
#define MSG_XTRACT_TOKEN(hdr)	FIELD_GET(MSG_TOKEN_ID_MASK, (hdr))
#define MSG_TOKEN_MAX		(MSG_XTRACT_TOKEN(MSG_TOKEN_ID_MASK) + 1)
#define MSG_TYPE_COMMAND	0
#define MSG_TYPE_DELAYED_RESP	2
#define MSG_TYPE_NOTIFICATION	3

/* Header plus status word: what a transport adds to max_msg_size */
#define SCMI_MSG_MAX_PROT_OVERHEAD	(2 * sizeof(__le32))

/* The core's timeout for a delayed response, in milliseconds */
#define SCMI_MAX_RESPONSE_TIMEOUT	2000

/* SCMI status codes the transport may synthesise */
#define SCMI_SUCCESS		0
#define SCMI_ERR_COMMS		(-7)

/**
 * enum scmi_bad_msg - reasons the transport gives to bad_message_trace()
 * @MSG_UNEXPECTED: a message nobody waits for
 * @MSG_INVALID: a message that is not valid in the current state
 * @MSG_UNKNOWN: a message of an unknown type
 * @MSG_NOMEM: no free buffer to receive a message
 * @MSG_MBOX_SPURIOUS: spurious mailbox interrupt (mailbox transport only)
 */
enum scmi_bad_msg {
	MSG_UNEXPECTED = -1,
	MSG_INVALID = -2,
	MSG_UNKNOWN = -3,
	MSG_NOMEM = -4,
	MSG_MBOX_SPURIOUS = -5,
};

/**
 * struct scmi_msg - a message payload buffer as the core sees it
 * @buf: payload, without header (and without status for responses)
 * @len: payload length in bytes
 */
struct scmi_msg {
	void *buf;
	size_t len;
};

/**
 * struct scmi_msg_hdr - unpacked SCMI message header
 * @id: message id
 * @protocol_id: protocol id
 * @type: message type (MSG_TYPE_*)
 * @seq: token, assigned by the core
 * @status: SCMI status of the response, filled by the transport
 * @poll_completion: the caller polls for the reply instead of waiting
 */
struct scmi_msg_hdr {
	u8 id;
	u8 protocol_id;
	u8 type;
	u16 seq;
	u32 status;
	bool poll_completion;
};

/**
 * struct scmi_xfer - one transfer, owned by the core
 * @transfer_id: unique id, for tracing
 * @hdr: header of the command (and, on reception, of the reply)
 * @tx: command payload
 * @rx: reply payload (capacity on entry, actual length on exit)
 * @done: completion of the synchronous reply
 * @async_done: completion of the delayed response, if one is expected
 * @pending: core-private: registered as in flight
 * @node: core-private: hash list node
 * @users: core-private: reference count
 * @busy: core-private: exclusive access flag
 * @state: core-private: reception state
 * @flags: core-private: raw-mode and channel flags
 * @lock: core-private: protects @state and @busy
 * @priv: transport-private pointer to the buffer holding the reply
 *
 * Members use the kernel's own types, so the configuration-dependent size of
 * struct completion and spinlock_t is reproduced by the compiler.
 */
struct scmi_xfer {
	int transfer_id;
	struct scmi_msg_hdr hdr;
	struct scmi_msg tx;
	struct scmi_msg rx;
	struct completion done;
	struct completion *async_done;
	bool pending;
	struct hlist_node node;
	refcount_t users;
	atomic_t busy;
	int state;
	int flags;
	spinlock_t lock;	/* the core's: state and busy */
	void *priv;
};

/**
 * struct scmi_transport_ops - what a transport provides to the core
 * @chan_available: does the DT node @of_node have its own channel @idx
 * @chan_setup: set up a channel (tx: A2P commands, else P2A events)
 * @chan_free: idr_for_each() callback releasing a channel
 * @get_max_msg: messages that may be in flight on a channel
 * @send_message: queue the command of @xfer
 * @mark_txdone: the core is done with the reply of @xfer
 * @fetch_response: copy the reply into @xfer
 * @fetch_notification: copy a notification into @xfer
 * @clear_channel: the core is done with a P2A message
 * @poll_done: has the reply of @xfer arrived (polling mode)
 */
struct scmi_transport_ops {
	bool (*chan_available)(struct device_node *of_node, int idx);
	int (*chan_setup)(struct scmi_chan_info *cinfo, struct device *dev,
			  bool tx);
	int (*chan_free)(int id, void *p, void *data);
	unsigned int (*get_max_msg)(struct scmi_chan_info *base_cinfo);
	int (*send_message)(struct scmi_chan_info *cinfo,
			    struct scmi_xfer *xfer);
	void (*mark_txdone)(struct scmi_chan_info *cinfo, int ret,
			    struct scmi_xfer *xfer);
	void (*fetch_response)(struct scmi_chan_info *cinfo,
			       struct scmi_xfer *xfer);
	void (*fetch_notification)(struct scmi_chan_info *cinfo,
				   size_t max_len, struct scmi_xfer *xfer);
	void (*clear_channel)(struct scmi_chan_info *cinfo);
	bool (*poll_done)(struct scmi_chan_info *cinfo, struct scmi_xfer *xfer);
};

/**
 * struct scmi_transport_core_operations - what the core provides
 * @bad_message_trace: report a malformed or unexpected message
 * @rx_callback: hand a received message (reply or P2A) to the core
 * @shmem: shared-memory helpers (NULL without CONFIG_ARM_SCMI_HAVE_SHMEM)
 * @msg: message helpers (NULL without CONFIG_ARM_SCMI_HAVE_MSG); never used
 *	 by this module, which frames messages itself
 */
struct scmi_transport_core_operations {
	void (*bad_message_trace)(struct scmi_chan_info *cinfo,
				  u32 msg_hdr, enum scmi_bad_msg err);
	void (*rx_callback)(struct scmi_chan_info *cinfo, u32 msg_hdr,
			    void *priv);
	const struct scmi_shared_mem_operations *shmem;
	const struct scmi_message_operations *msg;
};

/*
 * Layout lists for the BTF check (see abi.h): the per-revision
 * VSCMI_LAYOUT_STRUCTS(TYPE) and VSCMI_LAYOUT_MEMBERS(TYPE) end with these.
 * The lists' parameter is called "TYPE" and each list ends with a macro
 * whose name says "struct" so that checkpatch recognises them as
 * declaration lists.
 */
#define vscmi_struct_list_end(TYPE)

#define vscmi_common_struct_list(TYPE)		\
	TYPE(scmi_transport_ops)			\
	TYPE(scmi_transport_core_operations)	\
	TYPE(scmi_msg)				\
	TYPE(scmi_msg_hdr)				\
	TYPE(scmi_xfer)					\
	vscmi_struct_list_end(TYPE)

#define vscmi_common_struct_members(TYPE)				\
	TYPE(scmi_transport_ops, chan_available)			\
	TYPE(scmi_transport_ops, chan_setup)			\
	TYPE(scmi_transport_ops, chan_free)			\
	TYPE(scmi_transport_ops, get_max_msg)			\
	TYPE(scmi_transport_ops, send_message)			\
	TYPE(scmi_transport_ops, mark_txdone)			\
	TYPE(scmi_transport_ops, fetch_response)			\
	TYPE(scmi_transport_ops, fetch_notification)		\
	TYPE(scmi_transport_ops, clear_channel)			\
	TYPE(scmi_transport_ops, poll_done)			\
	TYPE(scmi_transport_core_operations, bad_message_trace)	\
	TYPE(scmi_transport_core_operations, rx_callback)		\
	TYPE(scmi_transport_core_operations, shmem)		\
	TYPE(scmi_transport_core_operations, msg)			\
	TYPE(scmi_msg, buf)					\
	TYPE(scmi_msg, len)					\
	TYPE(scmi_msg_hdr, id)					\
	TYPE(scmi_msg_hdr, protocol_id)				\
	TYPE(scmi_msg_hdr, type)					\
	TYPE(scmi_msg_hdr, seq)					\
	TYPE(scmi_msg_hdr, status)					\
	TYPE(scmi_msg_hdr, poll_completion)			\
	TYPE(scmi_xfer, transfer_id)				\
	TYPE(scmi_xfer, hdr)					\
	TYPE(scmi_xfer, tx)					\
	TYPE(scmi_xfer, rx)					\
	TYPE(scmi_xfer, done)					\
	TYPE(scmi_xfer, async_done)				\
	TYPE(scmi_xfer, pending)					\
	TYPE(scmi_xfer, node)					\
	TYPE(scmi_xfer, users)					\
	TYPE(scmi_xfer, busy)					\
	TYPE(scmi_xfer, state)					\
	TYPE(scmi_xfer, flags)					\
	TYPE(scmi_xfer, lock)					\
	TYPE(scmi_xfer, priv)					\
	vscmi_struct_list_end(TYPE)

/*
 * Prototypes for the BTF check: every transport operation the shim fills in
 * and every core operation it calls, as (struct, member, return type,
 * parameter types).  layout.c asserts at compile time that each entry is
 * the member's declared type above, so the list cannot drift from the
 * declarations, and lists it for btfcheck, which compares it with the
 * function prototype in the kernel's BTF.
 */
#define vscmi_common_struct_protos(TYPE)				\
	TYPE(scmi_transport_ops, chan_available, bool,			\
	     (struct device_node *, int))				\
	TYPE(scmi_transport_ops, chan_setup, int,			\
	     (struct scmi_chan_info *, struct device *, bool))		\
	TYPE(scmi_transport_ops, chan_free, int,			\
	     (int, void *, void *))					\
	TYPE(scmi_transport_ops, get_max_msg, unsigned int,		\
	     (struct scmi_chan_info *))					\
	TYPE(scmi_transport_ops, send_message, int,			\
	     (struct scmi_chan_info *, struct scmi_xfer *))		\
	TYPE(scmi_transport_ops, mark_txdone, void,			\
	     (struct scmi_chan_info *, int, struct scmi_xfer *))	\
	TYPE(scmi_transport_ops, fetch_response, void,			\
	     (struct scmi_chan_info *, struct scmi_xfer *))		\
	TYPE(scmi_transport_ops, fetch_notification, void,		\
	     (struct scmi_chan_info *, size_t, struct scmi_xfer *))	\
	TYPE(scmi_transport_ops, clear_channel, void,			\
	     (struct scmi_chan_info *))					\
	TYPE(scmi_transport_ops, poll_done, bool,			\
	     (struct scmi_chan_info *, struct scmi_xfer *))		\
	TYPE(scmi_transport_core_operations, bad_message_trace, void,	\
	     (struct scmi_chan_info *, u32, enum scmi_bad_msg))		\
	TYPE(scmi_transport_core_operations, rx_callback, void,	\
	     (struct scmi_chan_info *, u32, void *))			\
	vscmi_struct_list_end(TYPE)

/*
 * Exported by drivers/firmware/arm_scmi/bus.c (same prototype from 6.12 to
 * 7.3) but declared only in the core's private common.h: destroys the SCMI
 * device of @protocol and driver @name under @parent (an instance), if any.
 * The core's own remove leaves the protocol devices of an instance in
 * place; vscmi_attach_remove() uses this to take them along.
 */
void scmi_device_destroy(struct device *parent, int protocol, const char *name);

/* The exported core functions the shim calls, for the BTF check as above */
#define vscmi_common_struct_funcs(TYPE)				\
	TYPE(scmi_device_destroy, void, (struct device *, int, const char *)) \
	vscmi_struct_list_end(TYPE)

#endif /* VSCMI_SHIM_CORE_COMMON_H */
