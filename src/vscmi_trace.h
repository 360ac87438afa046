/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio_scmi tracepoints: /sys/kernel/tracing/events/virtio_scmi/, beside
 * the SCMI core's own scmi:* events.  Every event carries the SCMI
 * header's token, protocol and message id; replies and delayed responses
 * their status, all device messages the length the device wrote.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM virtio_scmi

#if !defined(VSCMI_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define VSCMI_TRACE_H

#include <linux/bitfield.h>
#include <linux/tracepoint.h>

#define VSCMI_TR_ID(h)		FIELD_GET(GENMASK(7, 0), (h))
#define VSCMI_TR_PROTO(h)	FIELD_GET(GENMASK(17, 10), (h))
#define VSCMI_TR_TOKEN(h)	FIELD_GET(GENMASK(27, 18), (h))

TRACE_EVENT(vscmi_cmd,
	    TP_PROTO(u32 hdr, size_t len, unsigned int flags),
	    TP_ARGS(hdr, len, flags),
	    TP_STRUCT__entry(__field(u16, token)
			     __field(u8, protocol)
			     __field(u8, msg_id)
			     __field(u32, len)
			     __field(unsigned int, flags)),
	    TP_fast_assign(__entry->token = VSCMI_TR_TOKEN(hdr);
			   __entry->protocol = VSCMI_TR_PROTO(hdr);
			   __entry->msg_id = VSCMI_TR_ID(hdr);
			   __entry->len = len;
			   __entry->flags = flags;),
	    TP_printk("token=%u protocol=0x%02x msg_id=0x%02x len=%u polled=%d async=%d",
		      __entry->token, __entry->protocol, __entry->msg_id,
		      __entry->len, !!(__entry->flags & 1),
		      !!(__entry->flags & 2)));

DECLARE_EVENT_CLASS(vscmi_resp_class,
		    TP_PROTO(u32 hdr, s32 status, u32 len),
		    TP_ARGS(hdr, status, len),
		    TP_STRUCT__entry(__field(u16, token)
				     __field(u8, protocol)
				     __field(u8, msg_id)
				     __field(s32, status)
				     __field(u32, len)),
		    TP_fast_assign(__entry->token = VSCMI_TR_TOKEN(hdr);
				   __entry->protocol = VSCMI_TR_PROTO(hdr);
				   __entry->msg_id = VSCMI_TR_ID(hdr);
				   __entry->status = status;
				   __entry->len = len;),
		    TP_printk("token=%u protocol=0x%02x msg_id=0x%02x status=%d len=%u",
			      __entry->token, __entry->protocol, __entry->msg_id,
			      __entry->status, __entry->len));

/* a reply for a command whose caller still waits (header of the request) */
DEFINE_EVENT(vscmi_resp_class, vscmi_reply,
	     TP_PROTO(u32 hdr, s32 status, u32 len),
	     TP_ARGS(hdr, status, len));

/* a reply that came after its caller gave up: dropped */
DEFINE_EVENT(vscmi_resp_class, vscmi_late,
	     TP_PROTO(u32 hdr, s32 status, u32 len),
	     TP_ARGS(hdr, status, len));

/* a delayed response handed to the SCMI core */
DEFINE_EVENT(vscmi_resp_class, vscmi_dresp,
	     TP_PROTO(u32 hdr, s32 status, u32 len),
	     TP_ARGS(hdr, status, len));

/* a notification handed to the SCMI core */
TRACE_EVENT(vscmi_notif,
	    TP_PROTO(u32 hdr, u32 len),
	    TP_ARGS(hdr, len),
	    TP_STRUCT__entry(__field(u16, token)
			     __field(u8, protocol)
			     __field(u8, msg_id)
			     __field(u32, len)),
	    TP_fast_assign(__entry->token = VSCMI_TR_TOKEN(hdr);
			   __entry->protocol = VSCMI_TR_PROTO(hdr);
			   __entry->msg_id = VSCMI_TR_ID(hdr);
			   __entry->len = len;),
	    TP_printk("token=%u protocol=0x%02x msg_id=0x%02x len=%u",
		      __entry->token, __entry->protocol, __entry->msg_id,
		      __entry->len));

/* the caller of a command gave up waiting for its reply */
TRACE_EVENT(vscmi_timeout,
	    TP_PROTO(u32 hdr),
	    TP_ARGS(hdr),
	    TP_STRUCT__entry(__field(u16, token)
			     __field(u8, protocol)
			     __field(u8, msg_id)),
	    TP_fast_assign(__entry->token = VSCMI_TR_TOKEN(hdr);
			   __entry->protocol = VSCMI_TR_PROTO(hdr);
			   __entry->msg_id = VSCMI_TR_ID(hdr);),
	    TP_printk("token=%u protocol=0x%02x msg_id=0x%02x",
		      __entry->token, __entry->protocol, __entry->msg_id));

/* a message from the device refused (reason: enum vscmi_invalid) */
TRACE_EVENT(vscmi_invalid,
	    TP_PROTO(bool eventq, u32 hdr, int reason, u32 len),
	    TP_ARGS(eventq, hdr, reason, len),
	    TP_STRUCT__entry(__field(bool, eventq)
			     __field(u16, token)
			     __field(u8, protocol)
			     __field(u8, msg_id)
			     __field(int, reason)
			     __field(u32, len)),
	    TP_fast_assign(__entry->eventq = eventq;
			   __entry->token = VSCMI_TR_TOKEN(hdr);
			   __entry->protocol = VSCMI_TR_PROTO(hdr);
			   __entry->msg_id = VSCMI_TR_ID(hdr);
			   __entry->reason = reason;
			   __entry->len = len;),
	    TP_printk("%s token=%u protocol=0x%02x msg_id=0x%02x reason=%d len=%u",
		      __entry->eventq ? "eventq" : "cmdq", __entry->token,
		      __entry->protocol, __entry->msg_id, __entry->reason,
		      __entry->len));

#endif /* VSCMI_TRACE_H */

/* out of tree: the header is found through the include path (Kbuild) */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vscmi_trace
#include <trace/define_trace.h>
