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
 * response returned together are judged in order.
 *
 * Locking.  One spinlock per channel, always taken with interrupts off,
 * protects the virtqueue calls, the free list, the references, the token
 * table and the delivery state (see struct vscmi_chan).  It is never held
 * while the attachment's callback runs, and the callbacks the SCMI core
 * makes into the transport during a delivery (fetch_response,
 * fetch_notification, clear_channel) take no channel lock, so there is no
 * ordering with the core's own locks.  Detaching a consumer waits for
 * running deliveries to finish (the SCMI core frees its channel right after
 * chan_free returns).
 *
 * Teardown.  vscmi_chan_stop() refuses new work; the device is reset (after
 * which it touches no buffer and raises no interrupt); vscmi_chan_reclaim()
 * then takes back every buffer: used ones are processed normally, unused
 * ones complete their caller with an error (ABORTED) so nobody waits for a
 * reply that can no longer come.
 */

#include <linux/bitfield.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/jiffies.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/virtio.h>

#include "vscmi.h"

/* Header bits a reply must echo from its request: id, type, protocol, token */
#define VSCMI_HDR_ECHO		GENMASK(27, 0)
#define VSCMI_TYPE_BITS		GENMASK(9, 8)
#define VSCMI_TOKEN_BITS	GENMASK(27, 18)

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

/* Post one free event buffer; the caller kicks.  Channel lock held. */
static void vscmi_evt_post_locked(struct vscmi_chan *ch, struct vscmi_msg *m)
{
	struct scatterlist sg;

	list_del_init(&m->node);
	sg_init_one(&sg, m->resp, m->resp_size);
	if (virtqueue_add_inbuf(ch->vq, &sg, 1, m, GFP_ATOMIC)) {
		list_add(&m->node, &ch->free);
		atomic64_inc(&ch->stats->evt_refill_errors);
		return;
	}
	m->refs = VSCMI_REF_DEVICE;
	atomic64_inc(&ch->stats->evt_refills);
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
 * never judges a delayed response against a reply it has not seen.
 * Command channel lock held.
 */
static void vscmi_await_reply_locked(struct vscmi_chan *ch,
				     struct vscmi_msg *m)
{
	unsigned int tok = FIELD_GET(VSCMI_TOKEN_BITS, m->req_hdr);
	struct vscmi_await *a = &ch->await[tok];

	if (ch->by_token[tok] != m || a->state != VSCMI_AWAIT_REPLY)
		return;
	if (vscmi_reply_fault(m) < 0 &&
	    !get_unaligned_le32(m->resp + VSCMI_HDR_SIZE)) {
		a->state = VSCMI_AWAIT_DRESP;
		a->deadline = jiffies + ch->dresp_window;
		a->delivering = true;
	} else {
		a->state = VSCMI_AWAIT_NONE;
	}
}

/* Header bits a delayed response must share with its command */
#define VSCMI_DRESP_MATCH	(VSCMI_HDR_ECHO & ~VSCMI_TYPE_BITS)

/*
 * May the delayed response @hdr be delivered?  True at most once per
 * asynchronous command: while its reply is outstanding or SUCCESS, within
 * the window, with the command's token, protocol and message id.
 */
static bool vscmi_dresp_claim(struct vscmi_chan *cmd, u32 hdr)
{
	unsigned int tok = FIELD_GET(VSCMI_TOKEN_BITS, hdr);
	struct vscmi_await *a;
	unsigned long flags;
	bool ok;

	if (!cmd)
		return false;
	spin_lock_irqsave(&cmd->lock, flags);
	a = &cmd->await[tok];
	/*
	 * Its reply was reaped by another CPU (a spinning caller or the cmdq
	 * callback) that delivers it with interrupts off: let it finish, so
	 * that the core sees the reply before the delayed response.
	 */
	while (a->delivering && a->state == VSCMI_AWAIT_DRESP &&
	       !((hdr ^ a->req_hdr) & VSCMI_DRESP_MATCH)) {
		spin_unlock_irqrestore(&cmd->lock, flags);
		cpu_relax();
		spin_lock_irqsave(&cmd->lock, flags);
	}
	ok = !((hdr ^ a->req_hdr) & VSCMI_DRESP_MATCH) &&
	     (a->state == VSCMI_AWAIT_REPLY ||
	      (a->state == VSCMI_AWAIT_DRESP &&
	       time_before(jiffies, a->deadline)));
	if (ok)
		a->state = VSCMI_AWAIT_NONE;
	spin_unlock_irqrestore(&cmd->lock, flags);
	return ok;
}

/* Validate an event; sets m->verdict and returns the raw header. */
static u32 vscmi_evt_check(struct vscmi_chan *ch, struct vscmi_msg *m)
{
	struct vscmi_hdr h;
	u32 hdr;

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
	else if (h.type == VSCMI_TYPE_DELAYED_RESP &&
		 !vscmi_dresp_claim(ch->cmd, hdr))
		vscmi_invalid(ch, m, VSCMI_INV_UNEXPECTED);
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

/* The reply of @m has been delivered (or dropped).  Command lock held. */
static void vscmi_delivered_locked(struct vscmi_chan *ch, struct vscmi_msg *m)
{
	struct vscmi_await *a;

	a = &ch->await[FIELD_GET(VSCMI_TOKEN_BITS, m->req_hdr)];
	if (a->req_hdr == m->req_hdr)
		a->delivering = false;
}

static void vscmi_deliver_put(struct vscmi_chan *ch, struct vscmi_msg *m,
			      bool repost)
{
	struct virtqueue *kick = NULL;
	unsigned long flags;
	bool wake;

	spin_lock_irqsave(&ch->lock, flags);
	if (!ch->is_event)
		vscmi_delivered_locked(ch, m);
	vscmi_put_locked(ch, m, VSCMI_REF_DELIVER);
	if (repost && !m->refs && ch->ready && ch->vq) {
		vscmi_evt_post_locked(ch, m);
		kick = vscmi_kick_prepare_locked(ch);
	}
	wake = !--ch->deliveries;
	spin_unlock_irqrestore(&ch->lock, flags);
	vscmi_kick_finish(ch, kick);
	if (wake)
		wake_up_all(&ch->idle);
}

static void vscmi_cmd_one(struct vscmi_chan *ch, struct vscmi_msg *m)
{
	u8 verdict = m->verdict;
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
	if (!fn)
		vscmi_delivered_locked(ch, m);
	/* may return @m to the pool: do not touch it past the unlock */
	vscmi_put_locked(ch, m, 0);
	spin_unlock_irqrestore(&ch->lock, flags);

	if (wake)
		wake_up_all(&ch->idle);
	if (verdict == VSCMI_ABORTED)
		atomic64_inc(&ch->stats->aborted);
	else if (!bound)
		atomic64_inc(&ch->stats->late);
	else
		atomic64_inc(&ch->stats->resps);

	if (fn) {
		fn(ctx, ch, m->req_hdr, m);
		/*
		 * Delivered: a caller spinning in vscmi_chan_spin() may go.
		 * Our delivery reference keeps @m out of the pool until the
		 * put below, so the store cannot hit a reused buffer.
		 */
		smp_store_release(&m->done, true);
		vscmi_deliver_put(ch, m, false);
	} else if (bound && !polled) {
		atomic64_inc(&ch->stats->no_chan);
	}
}

static void vscmi_evt_one(struct vscmi_chan *ch, struct vscmi_msg *m)
{
	struct virtqueue *kick = NULL;
	vscmi_deliver_t fn = NULL;
	unsigned long flags;
	void *ctx;
	u32 hdr;

	hdr = vscmi_evt_check(ch, m);

	spin_lock_irqsave(&ch->lock, flags);
	m->refs &= ~VSCMI_REF_DEVICE;
	if (m->verdict == VSCMI_OK) {
		fn = vscmi_deliver_get_locked(ch, m, &ctx);
		if (!fn)
			atomic64_inc(&ch->stats->no_chan);
	}
	if (!fn) {
		vscmi_put_locked(ch, m, 0);
		if (m->verdict != VSCMI_ABORTED && ch->ready && ch->vq) {
			vscmi_evt_post_locked(ch, m);
			kick = vscmi_kick_prepare_locked(ch);
		}
	}
	spin_unlock_irqrestore(&ch->lock, flags);
	vscmi_kick_finish(ch, kick);

	if (!fn)
		return;
	if (FIELD_GET(VSCMI_TYPE_BITS, hdr) == VSCMI_TYPE_DELAYED_RESP)
		atomic64_inc(&ch->stats->dresps);
	else
		atomic64_inc(&ch->stats->notifs);
	fn(ctx, ch, hdr, m);
	vscmi_deliver_put(ch, m, true);
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
			if (!ch->is_event)
				vscmi_await_reply_locked(ch, m);
			list_add_tail(&m->node, list);
		}
	} while (!virtqueue_enable_cb(ch->vq));
}

/**
 * vscmi_chan_vq_done() - process everything the device has returned
 * @ch: the channel
 *
 * Called from the virtqueue callback (hard IRQ), by pollers and by
 * spinning callers.  Deliveries always run with interrupts off, as from the
 * callback: the SCMI core takes a transfer for a reply and for its delayed
 * response by spinning with interrupts off, so a delivery from process
 * context interrupted on its CPU by the eventq callback delivering the
 * delayed response of the same transfer would never be resumed.
 */
void vscmi_chan_vq_done(struct vscmi_chan *ch)
{
	unsigned long flags;
	LIST_HEAD(list);

	local_irq_save(flags);
	spin_lock(&ch->lock);
	vscmi_reap_locked(ch, &list);
	spin_unlock(&ch->lock);
	vscmi_process(ch, &list);
	local_irq_restore(flags);
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
 *
 * Context: any; does not sleep or allocate (the driver does not negotiate
 * VIRTIO_RING_F_INDIRECT_DESC, so no descriptor table is allocated).
 * Return: 0, -ENODEV if the device is stopped, -EBUSY if the token is
 * already in flight, -ENOBUFS if no buffer or ring slot is free,
 * -EMSGSIZE if the parameters do not fit.
 */
int vscmi_chan_send(struct vscmi_chan *ch, u32 hdr, const void *payload,
		    size_t len, void *cookie, unsigned int flags,
		    struct vscmi_msg **out)
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
		ret = -ENOBUFS;
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
	m->sent = ktime_get();
	ret = virtqueue_add_sgs(ch->vq, sgs, 1, 1, m, GFP_ATOMIC);
	if (ret) {
		ret = -ENOBUFS;
		goto err;
	}
	list_del_init(&m->node);
	m->refs = VSCMI_REF_DEVICE | VSCMI_REF_CALLER;
	m->cookie = cookie;
	m->polled = polled;
	m->done = false;
	m->verdict = VSCMI_OK;
	m->used_len = 0;
	m->req_hdr = hdr;
	ch->by_token[tok] = m;
	ch->await[tok].req_hdr = hdr;
	ch->await[tok].delivering = false;
	ch->await[tok].state = flags & VSCMI_SEND_ASYNC ? VSCMI_AWAIT_REPLY :
			       VSCMI_AWAIT_NONE;
	ch->outstanding++;
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
	atomic64_inc(&ch->stats->send_errors);
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
 * no delayed response either.
 *
 * Return: true if the reply is still outstanding (the command is abandoned).
 */
bool vscmi_chan_release(struct vscmi_chan *ch, u16 token, void *cookie,
			bool timed_out)
{
	struct vscmi_msg *m;
	unsigned long flags;
	bool abandoned = false;

	spin_lock_irqsave(&ch->lock, flags);
	m = ch->by_token[token % VSCMI_TOKENS];
	if (m && m->cookie == cookie) {
		ch->by_token[token % VSCMI_TOKENS] = NULL;
		if (timed_out)
			ch->await[token % VSCMI_TOKENS].state = VSCMI_AWAIT_NONE;
		abandoned = m->refs & VSCMI_REF_DEVICE;
		vscmi_put_locked(ch, m, VSCMI_REF_CALLER);
		m->cookie = NULL;
	}
	spin_unlock_irqrestore(&ch->lock, flags);
	if (abandoned)
		atomic64_inc(timed_out ? &ch->stats->timeouts :
			     &ch->stats->released_early);
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
 *	 another one is attached.  Idempotent.
 *
 * Context: process; waits for running deliveries to return.
 */
void vscmi_chan_detach(struct vscmi_chan *ch, void *ctx)
{
	unsigned long flags;

	spin_lock_irqsave(&ch->lock, flags);
	if (ch->ctx == ctx)
		ch->ctx = NULL;
	spin_unlock_irqrestore(&ch->lock, flags);
	wait_event(ch->idle, vscmi_no_deliveries(ch));
}

/**
 * vscmi_chan_start() - bring a channel up on a (new) virtqueue
 * @ch: the channel
 * @vq: its virtqueue
 *
 * An event channel posts all its free buffers; call vscmi_chan_kick()
 * once the device is DRIVER_OK.  A command channel forgets the delayed
 * responses it awaited: a (new) device cannot send them.
 */
void vscmi_chan_start(struct vscmi_chan *ch, struct virtqueue *vq)
{
	struct vscmi_msg *m, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&ch->lock, flags);
	ch->vq = vq;
	ch->ready = true;
	if (ch->await)
		memset(ch->await, 0, VSCMI_TOKENS * sizeof(*ch->await));
	if (ch->is_event)
		list_for_each_entry_safe(m, tmp, &ch->free, node)
			vscmi_evt_post_locked(ch, m);
	spin_unlock_irqrestore(&ch->lock, flags);
}

/**
 * vscmi_chan_kick() - notify the device of posted buffers
 * @ch: the channel
 */
void vscmi_chan_kick(struct vscmi_chan *ch)
{
	unsigned long flags;

	spin_lock_irqsave(&ch->lock, flags);
	if (ch->vq && virtqueue_kick_prepare(ch->vq))
		virtqueue_notify(ch->vq);
	spin_unlock_irqrestore(&ch->lock, flags);
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
 * complete their caller with an error.  Afterwards the channel has no
 * virtqueue until the next vscmi_chan_start().
 *
 * Context: process; waits for notifications being sent to return.
 */
void vscmi_chan_reclaim(struct vscmi_chan *ch)
{
	struct vscmi_msg *m;
	unsigned long flags;
	LIST_HEAD(list);

	spin_lock_irqsave(&ch->lock, flags);
	ch->ready = false;
	vscmi_reap_locked(ch, &list);
	if (ch->vq) {
		while ((m = virtqueue_detach_unused_buf(ch->vq))) {
			m->used_len = 0;
			m->verdict = VSCMI_ABORTED;
			list_add_tail(&m->node, &list);
		}
	}
	ch->vq = NULL;
	spin_unlock_irqrestore(&ch->lock, flags);
	vscmi_process(ch, &list);
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
