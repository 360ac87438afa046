// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_scmi: SCMI message framing.
 *
 * An SCMI message on virtio is one buffer holding a little-endian 32-bit
 * header followed by the payload; replies and delayed responses start their
 * payload with a 32-bit status.  This file packs and unpacks headers, lays
 * out request SDUs and checks what the device wrote back.  It does not use
 * the arm_scmi core's message helpers, which a core built without a
 * message-based transport does not provide.
 */

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include "vscmi.h"

#define VSCMI_ID_MASK		GENMASK(7, 0)
#define VSCMI_TYPE_MASK		GENMASK(9, 8)
#define VSCMI_PROTO_MASK	GENMASK(17, 10)
#define VSCMI_TOKEN_MASK	GENMASK(27, 18)

/**
 * vscmi_hdr_pack() - build a raw SCMI header
 * @hdr: the fields
 *
 * Return: the 32-bit header in CPU order.
 */
u32 vscmi_hdr_pack(const struct vscmi_hdr *hdr)
{
	return FIELD_PREP(VSCMI_ID_MASK, hdr->id) |
	       FIELD_PREP(VSCMI_TYPE_MASK, hdr->type) |
	       FIELD_PREP(VSCMI_PROTO_MASK, hdr->protocol_id) |
	       FIELD_PREP(VSCMI_TOKEN_MASK, hdr->token);
}

/**
 * vscmi_hdr_unpack() - split a raw SCMI header into its fields
 * @raw: the 32-bit header in CPU order
 * @hdr: where to store the fields
 */
void vscmi_hdr_unpack(u32 raw, struct vscmi_hdr *hdr)
{
	hdr->id = FIELD_GET(VSCMI_ID_MASK, raw);
	hdr->type = FIELD_GET(VSCMI_TYPE_MASK, raw);
	hdr->protocol_id = FIELD_GET(VSCMI_PROTO_MASK, raw);
	hdr->token = FIELD_GET(VSCMI_TOKEN_MASK, raw);
}

/**
 * vscmi_sdu_build() - lay out a request SDU
 * @buf: destination
 * @cap: capacity of @buf
 * @hdr: raw header
 * @payload: command parameters (may be NULL if @len is 0)
 * @len: parameter length
 *
 * Return: the SDU length, or 0 if it does not fit.
 */
size_t vscmi_sdu_build(void *buf, size_t cap, u32 hdr, const void *payload,
		       size_t len)
{
	if (len > cap || cap - len < VSCMI_HDR_SIZE)
		return 0;
	put_unaligned_le32(hdr, buf);
	if (len)
		memcpy(buf + VSCMI_HDR_SIZE, payload, len);
	return VSCMI_HDR_SIZE + len;
}

/**
 * vscmi_msg_reply() - decode a reply (or delayed response) held in @msg
 * @msg: a received buffer
 * @status: SCMI status; VSCMI_STATUS_COMMS_ERROR if the exchange failed
 * @payload: return values after the status
 * @len: length of @payload
 *
 * Return: 0 if the device's message was good, -EPROTO if it was invalid or
 * -ECOMM if the device never answered (reset); in both error cases @status
 * is set to COMMS_ERROR and @len to 0 so callers fail fast.
 */
int vscmi_msg_reply(const struct vscmi_msg *msg, s32 *status,
		    const void **payload, size_t *len)
{
	if (msg->verdict != VSCMI_OK || msg->used_len < VSCMI_OVERHEAD) {
		*status = VSCMI_STATUS_COMMS_ERROR;
		*payload = NULL;
		*len = 0;
		return msg->verdict == VSCMI_ABORTED ? -ECOMM : -EPROTO;
	}
	*status = (s32)get_unaligned_le32(msg->resp + VSCMI_HDR_SIZE);
	*payload = msg->resp + VSCMI_OVERHEAD;
	*len = msg->used_len - VSCMI_OVERHEAD;
	return 0;
}

/**
 * vscmi_msg_event() - decode a notification held in @msg
 * @msg: a received eventq buffer
 * @hdr: raw header
 * @payload: payload after the header
 * @len: length of @payload
 *
 * Return: 0, or -EPROTO if the message was invalid.
 */
int vscmi_msg_event(const struct vscmi_msg *msg, u32 *hdr,
		    const void **payload, size_t *len)
{
	if (msg->verdict != VSCMI_OK || msg->used_len < VSCMI_HDR_SIZE)
		return -EPROTO;
	*hdr = get_unaligned_le32(msg->resp);
	*payload = msg->resp + VSCMI_HDR_SIZE;
	*len = msg->used_len - VSCMI_HDR_SIZE;
	return 0;
}
