// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_scmi: virtqueues, message pool and token bookkeeping.
 *
 * Theory of operation
 * ===================
 *
 * The module gives a built-in arm_scmi core (Linux 6.12 to 7.3) an SCMI
 * transport over a virtio SCMI device (virtio device ID 32).  It has four
 * parts, each in its own file:
 *
 *  - vscmi_drv.c: the virtio driver.  Probe negotiates VERSION_1 (legacy
 *    devices are refused) and P2A_CHANNELS, finds cmdq (and eventq with
 *    P2A), allocates every buffer it will ever use, fills eventq, sets
 *    DRIVER_OK and only then attaches to the SCMI core, whose probe sends
 *    its first messages synchronously.  Remove and freeze undo this in
 *    reverse order; restore redoes it without touching the SCMI instance.
 *  - vscmi_chan.c (this file): one struct vscmi_chan per virtqueue, with a
 *    fixed pool of struct vscmi_msg buffers.  No allocation happens on the
 *    message path.
 *  - vscmi_msg.c: SCMI framing (header pack/unpack, request layout, reply
 *    and notification decoding).  The core's own message helpers are not
 *    used: a core without a message-based transport does not have them.
 *  - vscmi_stats.c: counters and a latency histogram in debugfs.
 *
 * None of these knows the SCMI core's structures.  src/shim/attach.c is the
 * one file that does: it registers the "arm-scmi" platform device with the
 * transport operations and translates between struct scmi_xfer and the
 * channel API below.
 *
 * Commands (cmdq).  A command takes a free buffer, writes the request SDU
 * (header and parameters) into its request half and is queued as exactly
 * two descriptors: the device-readable request of its exact length and a
 * device-writable reply area large enough for the largest reply
 * (max_msg_size + 8).  The buffer is bound to its caller by an opaque
 * cookie (the scmi_xfer) and recorded in a token table (by_token), so the
 * caller can find it again by token without trusting any pointer the SCMI
 * core may have overwritten meanwhile.
 *
 * Ownership.  A buffer carries up to three references, all under the
 * channel lock: DEVICE (exposed on the virtqueue), CALLER (bound to a
 * caller until it releases it: mark_txdone) and DELIVER (being handed to the
 * attachment).  It returns to the free list when the last one goes.  So a
 * command whose caller timed out keeps its buffer until the device returns
 * it ("late": counted and dropped, never delivered, never reused early), and
 * a caller that releases a buffer while its reply is being delivered cannot
 * free it under the delivery.
 *
 * Replies.  The vq callback (hard IRQ) or a poller drains the used ring
 * under the lock into a local list, then processes each buffer without the
 * lock: the length and header the device wrote are validated (too short,
 * too long, header other than the request's: the exchange is marked bad and
 * counted; the caller is then completed with COMMS_ERROR rather than left
 * to time out).  A reply is delivered under the request's own header, so
 * even a device that echoes a wrong token cannot complete someone else's
 * command.  Polled commands are not delivered: their buffer is marked done
 * and the polling caller picks the reply up itself.  Replies may arrive in
 * any order.
 *
 * Events (eventq, with VIRTIO_SCMI_F_P2A_CHANNELS).  Every event buffer is
 * a single device-writable descriptor of max_msg_size + 8 bytes, kept on the
 * queue at all times; after delivery it is reposted at once.  Notifications
 * and delayed responses are validated (length, type) before delivery.
 *
 * Delayed responses.  The SCMI core completes a delayed response through
 * a pointer that its caller clears, without a lock against the delivery,
 * when the immediate reply fails or its wait ends: a delayed response
 * delivered then completes NULL or a stale stack frame.  So each token has
 * a gate (struct vscmi_await): a command sent asynchronously opens it, a
 * SUCCESS reply keeps it open for dresp_window (less than the core's
 * wait), any other reply or the caller's timeout closes it, and the first
 * delayed response with the command's token, protocol and message id
 * closes it on delivery.  Everything else is refused and counted
 * (invalid_unexpected).  The reply's verdict is taken when the buffer
 * leaves the used ring, under the cmdq lock, and the eventq handler takes
 * the cmdq's used buffers before its own, so a reply and its delayed
 * response returned together are judged in order.  A reply and its delayed
 * response are never delivered at the same time: the second is parked and
 * delivered by the context that delivers the first, when it is done (see
 * struct vscmi_await).
 *
 * Locking.  One spinlock_t per channel, always taken with
 * spin_lock_irqsave(), protects the virtqueue calls, the free list, the
 * references, the token table and the delivery state (see struct
 * vscmi_chan).  The same code is correct on PREEMPT_RT, where the vq
 * callbacks run in IRQ threads and spinlock_t is a sleeping lock: nothing
 * here disables interrupts by itself, takes a lock with interrupts
 * disabled, or waits for another context by spinning.  Atomic mode (polled
 * transfers from atomic context) is refused at load on PREEMPT_RT.  The
 * lock is never held while the attachment's callback runs (the SCMI core's
 * receive path takes its own spinlock_t locks), never nested with the other
 * channel's lock, and the callbacks the SCMI core makes into the transport
 * during a delivery (fetch_response, fetch_notification, clear_channel)
 * take no channel lock, so there is no ordering with the core's own locks.
 * Detaching a consumer waits for running deliveries to finish (the SCMI
 * core frees its channel right after chan_free returns).
 *
 * Event buffers.  An eventq post that fails (the ring refuses it, or its
 * DMA mapping fails) leaves the buffer free and schedules the refill work,
 * which posts every free buffer again until all are on the queue, so
 * notifications and delayed responses do not stop.
 *
 * Teardown.  vscmi_chan_stop() refuses new work; the device is reset (after
 * which it touches no buffer and raises no interrupt); vscmi_chan_reclaim()
 * then takes back every buffer: used ones are processed normally, unused
 * ones complete their caller with an error (ABORTED) so nobody waits for a
 * reply that can no longer come.
 */

#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/jiffies.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/virtio.h>
#include <linux/wait.h>

#include "vscmi.h"
#include "vscmi_trace.h"

/* Header bits a reply must echo from its request: id, type, protocol, token */
#define VSCMI_HDR_ECHO		GENMASK(27, 0)
#define VSCMI_TYPE_BITS		GENMASK(9, 8)
#define VSCMI_TOKEN_BITS	GENMASK(27, 18)

/* How long the refill work waits before it posts failed event buffers again */
#define VSCMI_REFILL_DELAY_MS	10

/*
 * How long a sender that may sleep waits for running deliveries to hand
 * back their buffers (vscmi_chan_send()); a delivery that takes longer
 * than this is stuck, and the send fails as without the wait.
 */
#define VSCMI_HANDBACK_WAIT_MS	100

/* How long a delivery pauses for the test hook inject_slow_handbacks */
#define VSCMI_INJECT_HANDBACK_MS	5

static void vscmi_evt_deliver(struct vscmi_chan *ch, struct vscmi_msg *m,
			      u32 hdr, bool busy);
static void vscmi_cmd_one(struct vscmi_chan *ch, struct vscmi_msg *m);
static int vscmi_send_try(struct vscmi_chan *ch, u32 hdr, const void *payload,
			  size_t len, void *cookie, unsigned int flags,
			  struct vscmi_msg **out, void **publish);

static unsigned int vscmi_tok(u32 hdr)
{
	return FIELD_GET(VSCMI_TOKEN_BITS, hdr);
}

static void vscmi_put_locked(struct vscmi_chan *ch, struct vscmi_msg *m,
			     unsigned int ref)
{
	m->refs &= ~ref;
	if (!m->refs) {
		m->cookie = NULL;
		list_add(&m->node, &ch->free);
	}
}

static bool vscmi_owned(struct vscmi_chan *ch, struct vscmi_msg *m)
{
	return m >= ch->msgs && m < ch->msgs + ch->nr_msgs &&
	       m->chan == ch && (m->refs & VSCMI_REF_DEVICE);
}

/*
 * Post one free event buffer; the caller kicks.  A buffer the ring does not
 * take stays free and the refill work is scheduled to post it again.
 * Returns 0 or the error.  Channel lock held.
 */
static int vscmi_evt_post_locked(struct vscmi_chan *ch, struct vscmi_msg *m)
{
	struct scatterlist sg;
	int ret = -ENOMEM;

	sg_init_one(&sg, m->resp, m->resp_size);
	if (!atomic_add_unless(&ch->stats->inject_post_errors, -1, 0))
		ret = virtqueue_add_inbuf(ch->vq, &sg, 1, m, GFP_ATOMIC);
	if (ret) {
		atomic64_inc(&ch->stats->evt_refill_errors);
		if (ch->ready)
			schedule_delayed_work(&ch->refill,
					      msecs_to_jiffies(VSCMI_REFILL_DELAY_MS));
		return ret;
	}
	list_del_init(&m->node);
	m->refs = VSCMI_REF_DEVICE;
	atomic64_inc(&ch->stats->evt_refills);
	return 0;
}

/*
 * Decide under the channel lock whether the device needs a notification,
 * and claim the virtqueue for it: the notification itself (an exit to the
 * hypervisor) is sent by vscmi_kick_finish() after the lock is dropped, so
 * no other CPU spins on the lock meanwhile.  Returns the virtqueue to
 * notify, or NULL.  Channel lock held.
 */
static struct virtqueue *vscmi_kick_prepare_locked(struct vscmi_chan *ch)
{
	if (!virtqueue_kick_prepare(ch->vq))
		return NULL;
	atomic_inc(&ch->kickers);
	return ch->vq;
}

/* Notify @vq, claimed by vscmi_kick_prepare_locked(); no lock held. */
static void vscmi_kick_finish(struct vscmi_chan *ch, struct virtqueue *vq)
{
	if (!vq)
		return;
	virtqueue_notify(vq);
	/* fully ordered; pairs with wait_event() in vscmi_chan_reclaim() */
	if (atomic_dec_and_test(&ch->kickers) && wq_has_sleeper(&ch->idle))
		wake_up_all(&ch->idle);
}

static void vscmi_invalid(struct vscmi_chan *ch, struct vscmi_msg *m,
			  enum vscmi_invalid why)
{
	m->verdict = VSCMI_BAD;
	atomic64_inc(&ch->stats->invalid[why]);
	trace_vscmi_invalid(ch->is_event, m->used_len >= VSCMI_HDR_SIZE &&
			    m->used_len <= m->resp_size ?
			    get_unaligned_le32(m->resp) : 0, why, m->used_len);
	dev_warn_ratelimited(ch->dev,
			     "%s: invalid message from device (reason %d, %u bytes)\n",
			     ch->name, why, m->used_len);
}

/*
 * What is wrong with a command reply: an enum vscmi_invalid, or -1 if it is
 * well formed.  Reads only the buffer; any context.
 */
static int vscmi_reply_fault(const struct vscmi_msg *m)
{
	if (m->used_len > m->resp_size)
		return VSCMI_INV_LONG;
	if (m->used_len < VSCMI_OVERHEAD)
		return VSCMI_INV_SHORT;
	if ((get_unaligned_le32(m->resp) ^ m->req_hdr) & VSCMI_HDR_ECHO)
		return VSCMI_INV_TOKEN;
	return -1;
}

/* Validate a command reply; sets m->verdict. */
static void vscmi_cmd_check(struct vscmi_chan *ch, struct vscmi_msg *m)
{
	int why = vscmi_reply_fault(m);

	if (why >= 0)
		vscmi_invalid(ch, m, why);
}

/*
 * The device returned the reply of @m: an asynchronous command whose reply
 * is SUCCESS now awaits its delayed response for dresp_window; any other
 * outcome (an error status, a malformed reply) means the caller will not
 * wait for one.  Done when the buffer is taken from the used ring, under
 * the lock, so that the eventq (which takes the cmdq's replies first)
 * never judges a delayed response against a reply it has not seen.  The
 * reply of an asynchronous command becomes the token's busy message until
 * it is delivered; if its delayed response (which overtook it) is being
 * delivered, the reply is parked behind it instead.
 * Returns true if @m was parked.  Command channel lock held.
 */
static bool vscmi_await_reply_locked(struct vscmi_chan *ch,
				     struct vscmi_msg *m)
{
	struct vscmi_await *a = &ch->await[vscmi_tok(m->req_hdr)];

	if (ch->by_token[vscmi_tok(m->req_hdr)] != m || !a->async ||
	    a->req_hdr != m->req_hdr)
		return false;
	if (a->busy) {
		if (a->parked)
			return false;	/* cannot happen: one reply per command */
		a->parked = m;
		return true;
	}
	a->busy = m;
	if (a->state != VSCMI_AWAIT_REPLY)
		return false;
	if (vscmi_reply_fault(m) < 0 &&
	    !get_unaligned_le32(m->resp + VSCMI_HDR_SIZE)) {
		a->state = VSCMI_AWAIT_DRESP;
		a->deadline = jiffies + ch->dresp_window;
	} else {
		a->state = VSCMI_AWAIT_NONE;
	}
	return false;
}

/* Header bits a delayed response must share with its command */
#define VSCMI_DRESP_MATCH	(VSCMI_HDR_ECHO & ~VSCMI_TYPE_BITS)

/* Does token @a still await the delayed response @hdr?  Cmd lock held. */
static bool vscmi_dresp_open_locked(struct vscmi_await *a, u32 hdr)
{
	return !((hdr ^ a->req_hdr) & VSCMI_DRESP_MATCH) &&
	       (a->state == VSCMI_AWAIT_REPLY ||
		(a->state == VSCMI_AWAIT_DRESP &&
		 time_before(jiffies, a->deadline)));
}

/**
 * enum vscmi_claim - what becomes of a delayed response
 * @VSCMI_CLAIM_REFUSE: nothing awaits it
 * @VSCMI_CLAIM_DELIVER: deliver it now; it is the token's busy message
 * @VSCMI_CLAIM_PARKED: its reply is being delivered: parked behind it
 * @VSCMI_CLAIM_RECHECK: its reply has not been seen: look at the cmdq
 *	again before taking it for one that overtook its reply
 */
enum vscmi_claim {
	VSCMI_CLAIM_REFUSE,
	VSCMI_CLAIM_DELIVER,
	VSCMI_CLAIM_PARKED,
	VSCMI_CLAIM_RECHECK,
};

/*
 * May the delayed response @hdr (in event buffer @m) be delivered?  At most
 * once per asynchronous command: while its reply is outstanding or
 * SUCCESS, within the window, with the command's token, protocol and
 * message id.  If the reply is being delivered (by another CPU, by the
 * context this one interrupted, or by a poller that has not fetched it
 * yet), @m is parked: the reply's deliverer delivers it when it is done,
 * so that the core sees the reply first and never sees both at once.
 * Unless @recheck, a delayed response whose reply has not been seen yet
 * is not taken: the caller reaps the cmdq again first (VSCMI_CLAIM_RECHECK).
 */
static enum vscmi_claim vscmi_dresp_claim(struct vscmi_chan *cmd, u32 hdr,
					  struct vscmi_msg *m, bool recheck)
{
	enum vscmi_claim ret = VSCMI_CLAIM_REFUSE;
	struct vscmi_await *a;
	unsigned long flags;

	if (!cmd)
		return ret;
	spin_lock_irqsave(&cmd->lock, flags);
	a = &cmd->await[vscmi_tok(hdr)];
	if (!vscmi_dresp_open_locked(a, hdr)) {
		ret = VSCMI_CLAIM_REFUSE;
	} else if (a->state == VSCMI_AWAIT_REPLY && !recheck) {
		ret = VSCMI_CLAIM_RECHECK;
	} else if (a->busy) {
		/* a second delayed response while one is parked: refused */
		if (!a->parked) {
			a->parked = m;
			ret = VSCMI_CLAIM_PARKED;
		}
	} else {
		a->state = VSCMI_AWAIT_NONE;
		a->busy = m;
		ret = VSCMI_CLAIM_DELIVER;
	}
	spin_unlock_irqrestore(&cmd->lock, flags);
	return ret;
}

/*
 * @m, the busy message of its token, has been delivered (or dropped): take
 * the parked message of the same transfer, if any, which becomes the busy
 * one and is returned for the caller to deliver once it has dropped the
 * lock (vscmi_run_parked()).  A parked delayed response whose gate closed
 * meanwhile (its caller timed out) is marked VSCMI_BAD, to be refused.
 * Command channel lock held.
 */
static struct vscmi_msg *vscmi_unbusy_locked(struct vscmi_chan *cmd,
					     u32 hdr, struct vscmi_msg *m)
{
	struct vscmi_await *a = &cmd->await[vscmi_tok(hdr)];
	struct vscmi_msg *p = a->parked;

	if (a->busy != m)
		return NULL;
	a->busy = p;
	a->parked = NULL;
	if (p && p->chan->is_event) {
		if (vscmi_dresp_open_locked(a, get_unaligned_le32(p->resp)))
			a->state = VSCMI_AWAIT_NONE;
		else
			p->verdict = VSCMI_BAD;
	}
	return p;
}

/* Deliver @p, returned by vscmi_unbusy_locked(); no lock held */
static void vscmi_run_parked(struct vscmi_chan *cmd, struct vscmi_msg *p)
{
	if (!p)
		return;
	if (!p->chan->is_event) {
		vscmi_cmd_one(cmd, p);
		return;
	}
	if (p->verdict == VSCMI_BAD)
		vscmi_invalid(p->chan, p, VSCMI_INV_UNEXPECTED);
	vscmi_evt_deliver(p->chan, p, get_unaligned_le32(p->resp), true);
}

/* The delayed response @m has been delivered (or dropped); no lock held */
static void vscmi_dresp_done(struct vscmi_chan *cmd, u32 hdr,
			     struct vscmi_msg *m)
{
	struct vscmi_msg *p;
	unsigned long flags;

	spin_lock_irqsave(&cmd->lock, flags);
	p = vscmi_unbusy_locked(cmd, hdr, m);
	spin_unlock_irqrestore(&cmd->lock, flags);
	vscmi_run_parked(cmd, p);
}

/*
 * Validate an event; sets m->verdict and returns the raw header.  A delayed
 * response is claimed: *@claim tells whether it is to be delivered now (and
 * is its token's busy message), parked, or refused (verdict VSCMI_BAD).
 */
static u32 vscmi_evt_check(struct vscmi_chan *ch, struct vscmi_msg *m,
			   enum vscmi_claim *claim)
{
	struct vscmi_hdr h;
	u32 hdr;

	*claim = VSCMI_CLAIM_REFUSE;

	if (m->verdict != VSCMI_OK)
		return 0;
	if (m->used_len > m->resp_size) {
		vscmi_invalid(ch, m, VSCMI_INV_LONG);
		return 0;
	}
	if (m->used_len < VSCMI_HDR_SIZE) {
		vscmi_invalid(ch, m, VSCMI_INV_SHORT);
		return 0;
	}
	hdr = get_unaligned_le32(m->resp);
	vscmi_hdr_unpack(hdr, &h);
	if (h.type == VSCMI_TYPE_DELAYED_RESP && m->used_len < VSCMI_OVERHEAD)
		vscmi_invalid(ch, m, VSCMI_INV_SHORT);
	/*
	 * Every SCMI notification carries at least one 32-bit field (the
	 * agent or resource id).  The core queues an empty one and its event
	 * dispatcher then stops on the zero-byte payload read with the event
	 * still in flight: that protocol's queue never drains again.
	 */
	else if (h.type == VSCMI_TYPE_NOTIFICATION &&
		 m->used_len < VSCMI_HDR_SIZE + sizeof(u32))
		vscmi_invalid(ch, m, VSCMI_INV_SHORT);
	else if (h.type != VSCMI_TYPE_DELAYED_RESP &&
		 h.type != VSCMI_TYPE_NOTIFICATION)
		vscmi_invalid(ch, m, VSCMI_INV_TYPE);
	else if (h.type == VSCMI_TYPE_DELAYED_RESP) {
		*claim = vscmi_dresp_claim(ch->cmd, hdr, m, false);
		/*
		 * The device returns a reply before its delayed response, but
		 * the cmdq may have been reaped (by the eventq callback, first
		 * thing) just before the reply came, and the eventq just after
		 * the delayed response: reap the cmdq again, so that a reply
		 * that is there is judged (and delivered, or the delayed
		 * response parked behind it) before the delayed response is
		 * taken for one that overtook its reply.  The used index of
		 * the eventq was read before (acquire of the cmdq lock).
		 */
		if (*claim == VSCMI_CLAIM_RECHECK) {
			vscmi_chan_vq_done(ch->cmd);
			*claim = vscmi_dresp_claim(ch->cmd, hdr, m, true);
		}
		if (*claim == VSCMI_CLAIM_REFUSE)
			vscmi_invalid(ch, m, VSCMI_INV_UNEXPECTED);
	}
	return hdr;
}

/*
 * Take a delivery reference if a consumer is attached.  Returns the
 * callback to run (NULL: nobody to deliver to).  Channel lock held.
 */
static vscmi_deliver_t vscmi_deliver_get_locked(struct vscmi_chan *ch,
						struct vscmi_msg *m,
						void **ctx)
{
	if (!ch->ctx)
		return NULL;
	m->refs |= VSCMI_REF_DELIVER;
	ch->deliveries++;
	*ctx = ch->ctx;
	return ch->deliver;
}

/*
 * The delivery of @m, on channel @ch, is over: drop its delivery reference
 * (an event buffer is then reposted if @repost).  For a reply, the parked
 * delayed response of its transfer, if any, is delivered next, here.
 */
static void vscmi_deliver_put(struct vscmi_chan *ch, struct vscmi_msg *m,
			      bool repost)
{
	struct virtqueue *kick = NULL;
	struct vscmi_msg *p = NULL;
	unsigned long flags;
	bool wake;

	spin_lock_irqsave(&ch->lock, flags);
	if (!ch->is_event)
		p = vscmi_unbusy_locked(ch, m->req_hdr, m);
	vscmi_put_locked(ch, m, VSCMI_REF_DELIVER);
	/* a command buffer back in the pool: a sender may wait for it */
	wake = !ch->is_event && !m->refs;
	if (repost && !m->refs && ch->ready && ch->vq &&
	    !vscmi_evt_post_locked(ch, m))
		kick = vscmi_kick_prepare_locked(ch);
	if (!--ch->deliveries)
		wake = true;
	spin_unlock_irqrestore(&ch->lock, flags);
	vscmi_kick_finish(ch, kick);
	if (wake)
		wake_up_all(&ch->idle);
	vscmi_run_parked(ch, p);
}

static void vscmi_cmd_one(struct vscmi_chan *ch, struct vscmi_msg *m)
{
	u8 verdict = m->verdict;
	struct vscmi_msg *p = NULL;
	vscmi_deliver_t fn = NULL;
	bool bound, polled, wake;
	unsigned long flags;
	void *ctx;

	if (verdict == VSCMI_OK) {
		u64 ns = ktime_to_ns(ktime_sub(ktime_get(), m->sent));

		vscmi_cmd_check(ch, m);
		vscmi_stats_latency(ch->stats, ns);
		ewma_vscmi_rtt_add(&ch->rtt, ns);
	}
	verdict = m->verdict;

	spin_lock_irqsave(&ch->lock, flags);
	m->refs &= ~VSCMI_REF_DEVICE;
	wake = !--ch->outstanding;
	atomic_dec(&ch->stats->inflight);
	bound = m->refs & VSCMI_REF_CALLER;
	polled = m->polled;
	if (bound) {
		if (polled)	/* reply visible before done: pairs with poll */
			smp_store_release(&m->done, true);
		else
			fn = vscmi_deliver_get_locked(ch, m, &ctx);
	}
	/*
	 * Not delivered: the transfer is no longer busy with @m, except for a
	 * polled reply, which is busy until its caller has fetched it and
	 * releases it (vscmi_chan_release()).
	 */
	if (!fn && !(bound && polled))
		p = vscmi_unbusy_locked(ch, m->req_hdr, m);
	if (verdict == VSCMI_ABORTED)
		atomic64_inc(&ch->stats->aborted);
	else if (!bound)
		atomic64_inc(&ch->stats->late);
	else
		atomic64_inc(&ch->stats->resps);
	if (verdict != VSCMI_ABORTED) {
		s32 status = VSCMI_STATUS_COMMS_ERROR;

		if (verdict == VSCMI_OK)
			status = get_unaligned_le32(m->resp + VSCMI_HDR_SIZE);
		if (bound)
			trace_vscmi_reply(m->req_hdr, status, m->used_len);
		else
			trace_vscmi_late(m->req_hdr, status, m->used_len);
	}
	/* may return @m to the pool: do not touch it past the unlock */
	vscmi_put_locked(ch, m, 0);
	spin_unlock_irqrestore(&ch->lock, flags);

	if (wake)
		wake_up_all(&ch->idle);
	vscmi_run_parked(ch, p);

	if (fn) {
		fn(ctx, ch, m->req_hdr, m);
		/*
		 * Delivered: a caller spinning in vscmi_chan_spin() may go.
		 * Our delivery reference keeps @m out of the pool until the
		 * put below, so the store cannot hit a reused buffer.
		 */
		smp_store_release(&m->done, true);
		if (atomic_add_unless(&ch->stats->inject_slow_handbacks, -1, 0))
			mdelay(VSCMI_INJECT_HANDBACK_MS);
		vscmi_deliver_put(ch, m, false);
	} else if (bound && !polled) {
		atomic64_inc(&ch->stats->no_chan);
	}
}

/*
 * Deliver the event @m (header @hdr), or drop and repost it if its verdict
 * is not VSCMI_OK.  @busy: @m is a delayed response that is its token's
 * busy message (struct vscmi_await): the transfer stops being busy with it
 * before the buffer is reposted, and its parked reply, if any, is
 * delivered next.
 */
static void vscmi_evt_deliver(struct vscmi_chan *ch, struct vscmi_msg *m,
			      u32 hdr, bool busy)
{
	struct virtqueue *kick = NULL;
	vscmi_deliver_t fn = NULL;
	unsigned long flags;
	bool dresp;
	void *ctx;

	dresp = FIELD_GET(VSCMI_TYPE_BITS, hdr) == VSCMI_TYPE_DELAYED_RESP;
	spin_lock_irqsave(&ch->lock, flags);
	m->refs &= ~VSCMI_REF_DEVICE;
	if (m->verdict == VSCMI_OK) {
		fn = vscmi_deliver_get_locked(ch, m, &ctx);
		if (!fn)
			atomic64_inc(&ch->stats->no_chan);
	}
	spin_unlock_irqrestore(&ch->lock, flags);

	if (fn) {
		if (dresp) {
			atomic64_inc(&ch->stats->dresps);
			trace_vscmi_dresp(hdr, get_unaligned_le32(m->resp +
								  VSCMI_HDR_SIZE),
					  m->used_len);
		} else {
			atomic64_inc(&ch->stats->notifs);
			trace_vscmi_notif(hdr, m->used_len);
		}
		fn(ctx, ch, hdr, m);
	}
	/* before the repost: the buffer may come back at once */
	if (busy)
		vscmi_dresp_done(ch->cmd, hdr, m);
	if (fn) {
		vscmi_deliver_put(ch, m, true);
		return;
	}

	spin_lock_irqsave(&ch->lock, flags);
	vscmi_put_locked(ch, m, 0);
	if (m->verdict != VSCMI_ABORTED && !m->refs && ch->ready && ch->vq &&
	    !vscmi_evt_post_locked(ch, m))
		kick = vscmi_kick_prepare_locked(ch);
	spin_unlock_irqrestore(&ch->lock, flags);
	vscmi_kick_finish(ch, kick);
}

static void vscmi_evt_one(struct vscmi_chan *ch, struct vscmi_msg *m)
{
	enum vscmi_claim claim;
	u32 hdr;

	hdr = vscmi_evt_check(ch, m, &claim);
	/* parked: delivered by the deliverer of its reply */
	if (claim == VSCMI_CLAIM_PARKED)
		return;
	vscmi_evt_deliver(ch, m, hdr, claim == VSCMI_CLAIM_DELIVER);
}

static void vscmi_process(struct vscmi_chan *ch, struct list_head *list)
{
	struct vscmi_msg *m, *tmp;

	list_for_each_entry_safe(m, tmp, list, node) {
		list_del_init(&m->node);
		if (ch->is_event)
			vscmi_evt_one(ch, m);
		else
			vscmi_cmd_one(ch, m);
	}
}

/* Move every used buffer to @list.  Channel lock held. */
static void vscmi_reap_locked(struct vscmi_chan *ch, struct list_head *list)
{
	struct vscmi_msg *m;
	unsigned int len;

	if (!ch->vq)
		return;
	do {
		virtqueue_disable_cb(ch->vq);
		while ((m = virtqueue_get_buf(ch->vq, &len))) {
			if (!vscmi_owned(ch, m)) {
				atomic64_inc(&ch->stats->invalid[VSCMI_INV_BUFFER]);
				continue;
			}
			m->used_len = len;
			m->verdict = VSCMI_OK;
			/* parked: delivered after its delayed response */
			if (!ch->is_event && vscmi_await_reply_locked(ch, m))
				continue;
			list_add_tail(&m->node, list);
		}
	} while (!virtqueue_enable_cb(ch->vq));
}

/**
 * vscmi_chan_vq_done() - process everything the device has returned
 * @ch: the channel
 *
 * Called from the virtqueue callback (hard IRQ, an IRQ thread on
 * PREEMPT_RT), by pollers and by spinning callers, with interrupts as the
 * context has them.  The SCMI core takes a transfer for a reply and for
 * its delayed response by spinning until the other is done with it, so a
 * delivery interrupted on its CPU by the delivery of the other message of
 * the same transfer would never be resumed: struct vscmi_await keeps the
 * two from ever being delivered at once (the second is parked), without
 * disabling interrupts.
 */
void vscmi_chan_vq_done(struct vscmi_chan *ch)
{
	unsigned long flags;
	LIST_HEAD(list);

	spin_lock_irqsave(&ch->lock, flags);
	vscmi_reap_locked(ch, &list);
	spin_unlock_irqrestore(&ch->lock, flags);
	vscmi_process(ch, &list);
}

/**
 * vscmi_chan_send() - queue a command
 * @ch: the command channel
 * @hdr: raw SCMI header (its token must not be in flight already)
 * @payload: command parameters
 * @len: parameter length
 * @cookie: the caller, used to find the buffer again
 * @flags: VSCMI_SEND_POLLED: the caller will poll with vscmi_chan_poll()
 *	   instead of being delivered the reply; VSCMI_SEND_ASYNC: the
 *	   command is asynchronous and the caller will wait for its delayed
 *	   response (which is refused otherwise)
 * @out: the buffer, bound to @cookie until vscmi_chan_release()
 * @publish: if not NULL, the buffer is also stored here (with release
 *	semantics) before the device can see the command, for a consumer
 *	that must find it from another CPU as soon as the reply is in
 *
 * A buffer goes back to the pool when both its caller and the delivery of
 * its reply are done with it, and the caller, woken by that delivery, can
 * release it and send its next command on another CPU before the
 * delivery has returned: the pool (as many buffers as the core may have
 * commands in flight) is then empty for a moment.  With
 * VSCMI_SEND_MAY_SLEEP such a send waits, at most
 * VSCMI_HANDBACK_WAIT_MS, for the deliveries running to hand their
 * buffers back (counted in handback_waits); without it, it fails.
 *
 * Context: any; does not allocate (the driver does not negotiate
 * VIRTIO_RING_F_INDIRECT_DESC, so no descriptor table is allocated), and
 * sleeps only with VSCMI_SEND_MAY_SLEEP.
 * Return: 0, -ENODEV if the device is stopped, -EBUSY if the token is
 * already in flight, -ENOBUFS if no buffer or ring slot is free,
 * -EMSGSIZE if the parameters do not fit.
 */
int vscmi_chan_send(struct vscmi_chan *ch, u32 hdr, const void *payload,
		    size_t len, void *cookie, unsigned int flags,
		    struct vscmi_msg **out, void **publish)
{
	unsigned long end = jiffies + msecs_to_jiffies(VSCMI_HANDBACK_WAIT_MS);
	bool waited = false;
	long left;
	int ret;

	for (;;) {
		ret = vscmi_send_try(ch, hdr, payload, len, cookie, flags, out,
				     publish);
		/* -EAGAIN: the pool is empty; only that is waited for */
		if (ret != -EAGAIN || !(flags & VSCMI_SEND_MAY_SLEEP) ||
		    !READ_ONCE(ch->deliveries))
			break;
		left = (long)(end - jiffies);
		if (left <= 0)
			break;
		might_sleep();
		if (!waited)
			atomic64_inc(&ch->stats->handback_waits);
		waited = true;
		wait_event_timeout(ch->idle, !READ_ONCE(ch->deliveries) ||
				   !list_empty_careful(&ch->free), left);
	}
	if (ret == -EAGAIN)
		ret = -ENOBUFS;
	if (ret)
		atomic64_inc(&ch->stats->send_errors);
	return ret;
}

/*
 * One attempt of vscmi_chan_send(), never sleeping: -EAGAIN when the pool
 * is empty, -ENOBUFS when the ring has no room.
 */
static int vscmi_send_try(struct vscmi_chan *ch, u32 hdr, const void *payload,
			  size_t len, void *cookie, unsigned int flags,
			  struct vscmi_msg **out, void **publish)
{
	struct scatterlist sg_out, sg_in, *sgs[] = { &sg_out, &sg_in };
	unsigned int tok = FIELD_GET(VSCMI_TOKEN_BITS, hdr);
	bool polled = flags & VSCMI_SEND_POLLED;
	struct virtqueue *kick;
	struct vscmi_msg *m;
	unsigned long irqflags;
	int peak, now, ret;

	spin_lock_irqsave(&ch->lock, irqflags);
	if (!ch->ready || !ch->vq) {
		ret = -ENODEV;
		goto err;
	}
	if (ch->by_token[tok]) {
		ret = -EBUSY;
		goto err;
	}
	m = list_first_entry_or_null(&ch->free, struct vscmi_msg, node);
	if (!m) {
		ret = -EAGAIN;
		goto err;
	}
	m->req_len = vscmi_sdu_build(m->req, VSCMI_HDR_SIZE + m->resp_size -
				     VSCMI_OVERHEAD, hdr, payload, len);
	if (!m->req_len) {
		ret = -EMSGSIZE;
		goto err;
	}
	sg_init_one(&sg_out, m->req, m->req_len);
	sg_init_one(&sg_in, m->resp, m->resp_size);
	/*
	 * Everything the reply's reception (on another CPU, as soon as the
	 * buffer is on the ring) reads is set before the buffer is added.
	 */
	m->cookie = cookie;
	m->polled = polled;
	m->done = false;
	m->verdict = VSCMI_OK;
	m->used_len = 0;
	m->req_hdr = hdr;
	m->sent = ktime_get();
	if (publish)	/* release: the fields above before the pointer */
		smp_store_release(publish, m);
	ret = virtqueue_add_sgs(ch->vq, sgs, 1, 1, m, GFP_ATOMIC);
	if (ret) {
		m->cookie = NULL;
		ret = -ENOBUFS;
		goto err;
	}
	list_del_init(&m->node);
	m->refs = VSCMI_REF_DEVICE | VSCMI_REF_CALLER;
	ch->by_token[tok] = m;
	/*
	 * @busy and @parked belong to the transfer that set them (cleared by
	 * its own deliverer): not reset here.
	 */
	ch->await[tok].req_hdr = hdr;
	ch->await[tok].async = flags & VSCMI_SEND_ASYNC;
	ch->await[tok].state = flags & VSCMI_SEND_ASYNC ? VSCMI_AWAIT_REPLY :
			       VSCMI_AWAIT_NONE;
	ch->outstanding++;
	trace_vscmi_cmd(hdr, m->req_len - VSCMI_HDR_SIZE, flags);
	kick = vscmi_kick_prepare_locked(ch);
	spin_unlock_irqrestore(&ch->lock, irqflags);
	vscmi_kick_finish(ch, kick);

	atomic64_inc(&ch->stats->cmds);
	now = atomic_inc_return(&ch->stats->inflight);
	peak = atomic_read(&ch->stats->inflight_peak);
	while (now > peak &&
	       !atomic_try_cmpxchg(&ch->stats->inflight_peak, &peak, now))
		;
	*out = m;
	return 0;

err:
	spin_unlock_irqrestore(&ch->lock, irqflags);
	return ret;
}

/**
 * vscmi_chan_find() - the buffer bound to a caller
 * @ch: the command channel
 * @token: the token the command was sent with
 * @cookie: the caller
 *
 * Return: the buffer, or NULL if @cookie has none bound under @token.  The
 * buffer stays valid until the caller releases it.
 */
struct vscmi_msg *vscmi_chan_find(struct vscmi_chan *ch, u16 token,
				  void *cookie)
{
	struct vscmi_msg *m;
	unsigned long flags;

	spin_lock_irqsave(&ch->lock, flags);
	m = ch->by_token[token % VSCMI_TOKENS];
	if (m && m->cookie != cookie)
		m = NULL;
	spin_unlock_irqrestore(&ch->lock, flags);
	return m;
}

/**
 * vscmi_chan_release() - a caller is done with its command
 * @ch: the command channel
 * @token: the token the command was sent with
 * @cookie: the caller
 * @timed_out: the caller gave up waiting for the reply; otherwise it
 *	finished without it (a delayed response arrived first)
 *
 * Unbinds the buffer.  If the device still owns it the buffer is recycled
 * only when the device returns it, and the command is counted in timeouts
 * or released_early after @timed_out.  A caller that timed out waits for
 * no delayed response either.  A polled reply is its transfer's busy
 * message until here (its caller has fetched it): a delayed response
 * parked behind it is delivered now, from the caller's context.
 *
 * Return: true if the reply is still outstanding (the command is abandoned).
 */
bool vscmi_chan_release(struct vscmi_chan *ch, u16 token, void *cookie,
			bool timed_out)
{
	struct vscmi_msg *m, *p = NULL;
	unsigned long flags;
	bool abandoned = false;
	u32 hdr = 0;

	spin_lock_irqsave(&ch->lock, flags);
	m = ch->by_token[token % VSCMI_TOKENS];
	if (m && m->cookie == cookie) {
		ch->by_token[token % VSCMI_TOKENS] = NULL;
		if (timed_out)
			ch->await[token % VSCMI_TOKENS].state = VSCMI_AWAIT_NONE;
		if (m->polled)
			p = vscmi_unbusy_locked(ch, m->req_hdr, m);
		hdr = m->req_hdr;
		abandoned = m->refs & VSCMI_REF_DEVICE;
		vscmi_put_locked(ch, m, VSCMI_REF_CALLER);
		m->cookie = NULL;
	}
	spin_unlock_irqrestore(&ch->lock, flags);
	if (abandoned) {
		atomic64_inc(timed_out ? &ch->stats->timeouts :
			     &ch->stats->released_early);
		if (timed_out)
			trace_vscmi_timeout(hdr);
	}
	vscmi_run_parked(ch, p);
	return abandoned;
}

/**
 * vscmi_chan_poll() - has the reply of a polled command arrived
 * @ch: the command channel
 * @m: the buffer returned by vscmi_chan_send()
 *
 * Context: any, including atomic.
 * Return: true once the reply is in @m (or the exchange failed).
 */
bool vscmi_chan_poll(struct vscmi_chan *ch, struct vscmi_msg *m)
{
	/* acquire pairs with the release in vscmi_cmd_one(): reply visible */
	if (smp_load_acquire(&m->done))
		return true;
	vscmi_chan_vq_done(ch);
	/* as above */
	return smp_load_acquire(&m->done);
}

/**
 * vscmi_chan_spin() - busy-wait briefly for the reply of a sleeping caller
 * @ch: the command channel
 * @m: the buffer returned by vscmi_chan_send(), sent without
 *     VSCMI_SEND_POLLED
 *
 * A caller that sleeps for its reply pays, on top of the device's service
 * time, for the interrupt, the wake-up and a switch out of and back into
 * its task (and, in a VM, for waking an idle vCPU).  When the device
 * answers within a few tens of microseconds that overhead is most of the
 * round trip.  So the caller first reaps the queue itself for up to
 * @ch->spin_ns, and the reply is delivered (the SCMI core's completion
 * done) before the caller would have slept.  The spin is skipped while the
 * recent average round trip is longer than the budget, so a slow device
 * costs no CPU time; either way the caller's normal wait follows and
 * returns at once if the reply was delivered here.  Only one caller spins
 * at a time: its reaping delivers every caller's reply, and more spinners
 * would only take CPU time from the vCPUs and host threads that serve the
 * device.
 *
 * Context: process, may sleep (it does not; but replies of other callers
 * reaped here are delivered from this context, as for a poller).
 * Return: true if the reply was delivered within the budget.
 */
bool vscmi_chan_spin(struct vscmi_chan *ch, struct vscmi_msg *m)
{
	u64 budget = READ_ONCE(ch->spin_ns), stop;
	bool done = false;

	if (!budget || ewma_vscmi_rtt_read(&ch->rtt) > budget)
		return false;
	if (atomic_cmpxchg(&ch->spinners, 0, 1))
		return false;
	stop = ktime_get_ns() + budget;
	do {
		vscmi_chan_vq_done(ch);
		/* acquire pairs with the release in vscmi_cmd_one() */
		done = smp_load_acquire(&m->done);
		if (done)
			break;
		cpu_relax();
	} while (ktime_get_ns() < stop);
	atomic_set_release(&ch->spinners, 0);
	return done;
}

/**
 * vscmi_chan_attach() - start delivering received messages
 * @ch: the channel
 * @ctx: passed back to @deliver
 * @deliver: the callback
 */
void vscmi_chan_attach(struct vscmi_chan *ch, void *ctx,
		       vscmi_deliver_t deliver)
{
	unsigned long flags;

	spin_lock_irqsave(&ch->lock, flags);
	ch->deliver = deliver;
	ch->ctx = ctx;
	spin_unlock_irqrestore(&ch->lock, flags);
}

static bool vscmi_no_deliveries(struct vscmi_chan *ch)
{
	unsigned long flags;
	bool idle;

	spin_lock_irqsave(&ch->lock, flags);
	idle = !ch->deliveries;
	spin_unlock_irqrestore(&ch->lock, flags);
	return idle;
}

/**
 * vscmi_chan_detach() - stop delivering to @ctx
 * @ch: the channel
 * @ctx: the context given to vscmi_chan_attach(); nothing happens if
 *	 another one is attached.  NULL: whichever is attached.  Idempotent.
 *
 * Context: process; waits for running deliveries to return.
 */
void vscmi_chan_detach(struct vscmi_chan *ch, void *ctx)
{
	unsigned long flags;

	spin_lock_irqsave(&ch->lock, flags);
	if (!ctx || ch->ctx == ctx)
		ch->ctx = NULL;
	spin_unlock_irqrestore(&ch->lock, flags);
	wait_event(ch->idle, vscmi_no_deliveries(ch));
}

/*
 * Post every free event buffer (stopping at the first the ring refuses,
 * which schedules the refill work).  Returns how many were posted.
 * Channel lock held.
 */
static unsigned int vscmi_evt_fill_locked(struct vscmi_chan *ch)
{
	struct vscmi_msg *m, *tmp;
	unsigned int n = 0;

	list_for_each_entry_safe(m, tmp, &ch->free, node) {
		if (vscmi_evt_post_locked(ch, m))
			break;
		n++;
	}
	return n;
}

/* The refill work: post the event buffers an earlier post could not */
static void vscmi_evt_refill(struct work_struct *work)
{
	struct vscmi_chan *ch = container_of(to_delayed_work(work),
					     struct vscmi_chan, refill);
	struct virtqueue *kick = NULL;
	unsigned long flags;
	unsigned int n = 0;

	spin_lock_irqsave(&ch->lock, flags);
	if (ch->ready && ch->vq) {
		n = vscmi_evt_fill_locked(ch);
		if (n)
			kick = vscmi_kick_prepare_locked(ch);
	}
	spin_unlock_irqrestore(&ch->lock, flags);
	vscmi_kick_finish(ch, kick);
	atomic64_add(n, &ch->stats->evt_refill_retries);
}

/**
 * vscmi_chan_start() - give a channel a (new) virtqueue
 * @ch: the channel
 * @vq: its virtqueue
 *
 * An event channel posts all its free buffers.  The channel accepts
 * commands (and reposts events) only after vscmi_chan_ready(), once the
 * device is DRIVER_OK.  A command channel forgets the delayed responses it
 * awaited: a (new) device cannot send them.
 */
void vscmi_chan_start(struct vscmi_chan *ch, struct virtqueue *vq)
{
	unsigned long flags;

	spin_lock_irqsave(&ch->lock, flags);
	ch->vq = vq;
	if (ch->await)
		memset(ch->await, 0, VSCMI_TOKENS * sizeof(*ch->await));
	if (ch->is_event)
		vscmi_evt_fill_locked(ch);
	spin_unlock_irqrestore(&ch->lock, flags);
}

/**
 * vscmi_chan_ready() - start using a channel whose device is DRIVER_OK
 * @ch: the channel, started with vscmi_chan_start()
 *
 * Commands are accepted from now on (none may reach the device before
 * DRIVER_OK); an event channel posts the buffers that came back meanwhile
 * and notifies the device.
 */
void vscmi_chan_ready(struct vscmi_chan *ch)
{
	struct virtqueue *kick = NULL;
	unsigned long flags;

	spin_lock_irqsave(&ch->lock, flags);
	ch->ready = true;
	if (ch->vq && ch->is_event) {
		vscmi_evt_fill_locked(ch);
		kick = vscmi_kick_prepare_locked(ch);
	}
	spin_unlock_irqrestore(&ch->lock, flags);
	vscmi_kick_finish(ch, kick);
}

/**
 * vscmi_chan_stop() - refuse new commands and stop reposting events
 * @ch: the channel
 */
void vscmi_chan_stop(struct vscmi_chan *ch)
{
	unsigned long flags;

	spin_lock_irqsave(&ch->lock, flags);
	ch->ready = false;
	spin_unlock_irqrestore(&ch->lock, flags);
}

static bool vscmi_no_outstanding(struct vscmi_chan *ch)
{
	unsigned long flags;
	bool idle;

	spin_lock_irqsave(&ch->lock, flags);
	idle = !ch->outstanding;
	spin_unlock_irqrestore(&ch->lock, flags);
	return idle;
}

/**
 * vscmi_chan_wait_idle() - wait for the device to answer every command
 * @ch: the command channel
 * @ms: how long to wait
 *
 * Context: process.
 * Return: true if no command is outstanding.
 */
bool vscmi_chan_wait_idle(struct vscmi_chan *ch, unsigned int ms)
{
	return wait_event_timeout(ch->idle, vscmi_no_outstanding(ch),
				  msecs_to_jiffies(ms)) > 0;
}

/**
 * vscmi_chan_reclaim() - take every buffer back after a device reset
 * @ch: the channel; the device must be reset (it owns no buffer any more)
 *
 * Returned buffers are processed as usual; buffers the device never used
 * complete their caller with an error.  A command channel also takes back
 * the messages parked behind a delivery (struct vscmi_await): replies are
 * processed, delayed responses (of an event channel reclaimed next) are
 * dropped.  Afterwards the channel has no virtqueue until the next
 * vscmi_chan_start().  Deliveries run from this context, with interrupts
 * on, as any other: the ordering rules of struct vscmi_await hold here too.
 *
 * Why that is enough (issue 16, finding 3).  At freeze a SUCCESS reply of
 * an asynchronous command may still be in the used ring when the device is
 * reset, and be reaped here; a device that ignores the reset (or a hostile
 * host) may still raise the eventq interrupt, on this CPU, with the
 * delayed response of that same transfer.  Interrupts-off delivery made
 * that a hard-IRQ spin on the SCMI core's transfer lock held by the
 * interrupted reclaim: a lock-up.  Here: the reply is reaped and made the
 * token's @busy message under the channel lock (vscmi_reap_locked(), then
 * vscmi_process()); the eventq callback first reaps the cmdq (nothing
 * left: the reply is taken), then finds the token @busy and parks the
 * delayed response (never spins) and returns; this context finishes the
 * reply's delivery, clears @busy and delivers the parked delayed response,
 * which the gate then judges (accepted while the core awaits it).  Delayed
 * responses parked before (behind a delivery in another context) are taken
 * back below and dropped.  So the core sees the reply first, once, and no
 * context waits for another.  The interrupt cannot be provoked on purpose
 * in a test (the device is reset and QEMU raises no interrupt for it), so
 * this ordering is argued here; the parts a test reaches are the same code
 * paths as the eventq callback's (the faults suite's
 * delayed-response-first and delayed-response-order, the guest suite's
 * mode_polling/dresp-fast/reply-before-dresp).
 *
 * Context: process; waits for the refill work and for notifications being
 * sent to return.
 */
void vscmi_chan_reclaim(struct vscmi_chan *ch)
{
	struct vscmi_msg *m, *tmp;
	unsigned long flags;
	LIST_HEAD(dropped);
	LIST_HEAD(list);
	unsigned int i;

	spin_lock_irqsave(&ch->lock, flags);
	ch->ready = false;
	spin_unlock_irqrestore(&ch->lock, flags);
	/* not ready: nothing schedules it again */
	cancel_delayed_work_sync(&ch->refill);

	spin_lock_irqsave(&ch->lock, flags);
	vscmi_reap_locked(ch, &list);
	if (ch->vq) {
		while ((m = virtqueue_detach_unused_buf(ch->vq))) {
			m->used_len = 0;
			m->verdict = VSCMI_ABORTED;
			list_add_tail(&m->node, &list);
		}
	}
	for (i = 0; ch->await && i < VSCMI_TOKENS; i++) {
		m = ch->await[i].parked;
		if (!m)
			continue;
		ch->await[i].parked = NULL;
		if (m->chan->is_event) {
			m->verdict = VSCMI_ABORTED;
			list_add_tail(&m->node, &dropped);
		} else {
			list_add_tail(&m->node, &list);
		}
	}
	ch->vq = NULL;
	spin_unlock_irqrestore(&ch->lock, flags);
	vscmi_process(ch, &list);
	list_for_each_entry_safe(m, tmp, &dropped, node) {
		list_del_init(&m->node);
		vscmi_evt_deliver(m->chan, m, 0, false);
	}
	/* the caller deletes the virtqueue next: no notification may be left */
	wait_event(ch->idle, !atomic_read(&ch->kickers));
}

/**
 * vscmi_chan_init() - allocate a channel's message pool
 * @ch: the channel
 * @dev: device for messages
 * @st: statistics to account to
 * @is_event: eventq (single device-writable buffers) rather than cmdq
 * @nr_msgs: buffers to allocate
 * @max_payload: largest SCMI payload (max_msg_size)
 *
 * Return: 0 or -ENOMEM.
 */
int vscmi_chan_init(struct vscmi_chan *ch, struct device *dev,
		    struct vscmi_stats *st, bool is_event,
		    unsigned int nr_msgs, size_t max_payload)
{
	size_t req_size = 0, resp_size = max_payload + VSCMI_OVERHEAD, off = 0;
	unsigned int i;

	spin_lock_init(&ch->lock);
	init_waitqueue_head(&ch->idle);
	INIT_DELAYED_WORK(&ch->refill, vscmi_evt_refill);
	ewma_vscmi_rtt_init(&ch->rtt);
	atomic_set(&ch->kickers, 0);
	atomic_set(&ch->spinners, 0);
	INIT_LIST_HEAD(&ch->free);
	ch->dev = dev;
	ch->stats = st;
	ch->is_event = is_event;
	ch->name = is_event ? "eventq" : "cmdq";
	ch->msgs = kcalloc(nr_msgs, sizeof(*ch->msgs), GFP_KERNEL);
	if (!ch->msgs)
		return -ENOMEM;
	ch->nr_msgs = nr_msgs;
	if (!is_event) {
		ch->by_token = kcalloc(VSCMI_TOKENS, sizeof(*ch->by_token),
				       GFP_KERNEL);
		ch->await = kcalloc(VSCMI_TOKENS, sizeof(*ch->await),
				    GFP_KERNEL);
		if (!ch->by_token || !ch->await)
			goto nomem;
		req_size = VSCMI_HDR_SIZE + max_payload;
		/* keep the device-written half off the request's cache lines */
		off = ALIGN(req_size, dma_get_cache_alignment());
	}
	for (i = 0; i < nr_msgs; i++) {
		struct vscmi_msg *m = &ch->msgs[i];
		void *buf = kzalloc(off + resp_size, GFP_KERNEL);

		if (!buf)
			goto nomem;
		m->chan = ch;
		m->req = req_size ? buf : NULL;
		m->resp = buf + off;
		m->resp_size = resp_size;
		list_add_tail(&m->node, &ch->free);
	}
	return 0;

nomem:
	vscmi_chan_destroy(ch);
	return -ENOMEM;
}

/**
 * vscmi_chan_destroy() - free a channel's pool
 * @ch: the channel; reclaimed, or never started
 */
void vscmi_chan_destroy(struct vscmi_chan *ch)
{
	unsigned int i;

	for (i = 0; ch->msgs && i < ch->nr_msgs; i++)
		kfree(ch->msgs[i].req ?: ch->msgs[i].resp);
	kfree(ch->msgs);
	kfree(ch->by_token);
	kfree(ch->await);
	ch->msgs = NULL;
	ch->by_token = NULL;
	ch->await = NULL;
	ch->nr_msgs = 0;
}
