/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio_scmi: the transport core's internal API.
 *
 * Everything declared here is independent of the arm_scmi core's private
 * structures: channels, the message pool, SCMI framing and statistics work on
 * raw 32-bit headers, byte buffers and an opaque caller cookie.  The one file
 * that knows the SCMI core (src/shim/attach.c) translates between the two, so
 * that another attachment (for example a virtio-backed mailbox controller for
 * kernels without external transports) can reuse this code unchanged.
 *
 * Theory of operation: see the comment at the top of vscmi_chan.c.
 */
#ifndef VSCMI_H
#define VSCMI_H

#include <linux/atomic.h>
#include <linux/average.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

struct dentry;
struct device;
struct virtio_device;
struct virtqueue;

#define VSCMI_DRV_NAME		"virtio_scmi"

/* SCMI framing constants (SCMI specification, section 4.1) */
#define VSCMI_HDR_SIZE		4	/* le32 header */
#define VSCMI_STATUS_SIZE	4	/* le32 status, first word of replies */
#define VSCMI_OVERHEAD		(VSCMI_HDR_SIZE + VSCMI_STATUS_SIZE)
#define VSCMI_TOKENS		1024	/* 10-bit token */

#define VSCMI_TYPE_COMMAND	0
#define VSCMI_TYPE_DELAYED_RESP	2
#define VSCMI_TYPE_NOTIFICATION	3

#define VSCMI_STATUS_COMMS_ERROR	(-7)

/**
 * struct vscmi_hdr - an unpacked SCMI message header
 * @id: message id, bits 7:0
 * @type: message type, bits 9:8 (VSCMI_TYPE_*)
 * @protocol_id: protocol id, bits 17:10
 * @token: sequence token, bits 27:18
 */
struct vscmi_hdr {
	u8 id;
	u8 type;
	u8 protocol_id;
	u16 token;
};

u32 vscmi_hdr_pack(const struct vscmi_hdr *hdr);
void vscmi_hdr_unpack(u32 raw, struct vscmi_hdr *hdr);
size_t vscmi_sdu_build(void *buf, size_t cap, u32 hdr, const void *payload,
		       size_t len);

/**
 * enum vscmi_invalid - why a message from the device was refused
 * @VSCMI_INV_SHORT: shorter than its header (and status, for replies)
 * @VSCMI_INV_LONG: longer than the buffer the driver provided
 * @VSCMI_INV_TOKEN: reply whose token or header differs from the request's
 * @VSCMI_INV_TYPE: P2A message that is neither a notification nor a
 *	delayed response
 * @VSCMI_INV_BUFFER: the device returned a buffer the driver does not own
 * @VSCMI_INV_UNEXPECTED: delayed response that no command awaits: none was
 *	sent asynchronously with its token and header, its immediate reply
 *	was not SUCCESS, or its caller has stopped waiting
 * @VSCMI_INV_NR: number of reasons
 */
enum vscmi_invalid {
	VSCMI_INV_SHORT,
	VSCMI_INV_LONG,
	VSCMI_INV_TOKEN,
	VSCMI_INV_TYPE,
	VSCMI_INV_BUFFER,
	VSCMI_INV_UNEXPECTED,
	VSCMI_INV_NR
};

/**
 * enum vscmi_verdict - outcome of one device exchange, set on reception
 * @VSCMI_OK: a well-formed message is in the buffer
 * @VSCMI_BAD: the device's message was invalid (see enum vscmi_invalid)
 * @VSCMI_ABORTED: the device was reset before it answered
 */
enum vscmi_verdict {
	VSCMI_OK,
	VSCMI_BAD,
	VSCMI_ABORTED,
};

/* msg->refs: who holds a message; it returns to the pool when none does */
#define VSCMI_REF_DEVICE	BIT(0)	/* exposed on a virtqueue */
#define VSCMI_REF_CALLER	BIT(1)	/* bound to a caller (cookie) */
#define VSCMI_REF_DELIVER	BIT(2)	/* being handed to the attachment */

/**
 * struct vscmi_msg - one preallocated message buffer
 * @node: entry in the channel's free list, or in a local list while reaped;
 *	protected by the channel lock
 * @chan: owning channel
 * @req: request SDU buffer (command channel only), device-readable
 * @req_len: length of the current request SDU
 * @resp: reply / P2A SDU buffer, device-writable
 * @resp_size: capacity of @resp
 * @used_len: length the device wrote into @resp, set on reception
 * @req_hdr: raw header of the current request
 * @cookie: the caller bound to this message (NULL when none)
 * @refs: VSCMI_REF_* holders; protected by the channel lock
 * @polled: the caller polls for completion instead of being called back
 * @done: reply received (or aborted); written with release semantics
 * @verdict: enum vscmi_verdict of the last reception
 * @sent: time the request was queued, for the latency histogram
 */
struct vscmi_msg {
	struct list_head node;
	struct vscmi_chan *chan;
	void *req;
	size_t req_len;
	void *resp;
	size_t resp_size;
	u32 used_len;
	u32 req_hdr;
	void *cookie;
	unsigned int refs;
	bool polled;
	bool done;
	u8 verdict;
	ktime_t sent;
};

#define VSCMI_LAT_BUCKETS	40	/* log2(ns): 1 ns ... ~550 s */

/**
 * struct vscmi_stats - per-device counters, always on, shown in debugfs
 * @cmds: commands queued to the device
 * @resps: replies received for commands whose caller still waited
 * @notifs: notifications received
 * @dresps: delayed responses received
 * @timeouts: commands whose caller gave up (timed out) before the reply
 * @released_early: commands their caller finished without a timeout before
 *	the device returned the reply (a delayed response overtook it; the
 *	reply is then counted in @late)
 * @late: replies received after their caller gave up, dropped
 * @aborted: commands failed because the device was reset under them
 * @invalid: invalid device messages, by enum vscmi_invalid
 * @no_chan: P2A messages dropped because no SCMI channel was attached
 * @send_errors: commands refused (no buffer, queue full, device stopped)
 * @handback_waits: sends that found no free buffer while a delivery was
 *	still handing one back, and waited for it (vscmi_chan_send())
 * @evt_refills: event buffers (re)posted to the eventq
 * @evt_refill_errors: event buffers that could not be reposted
 * @evt_refill_retries: event buffers posted by the refill work after an
 *	earlier post had failed
 * @inject_post_errors: test hook (debugfs "inject_evt_post_errors"): this
 *	many next eventq posts fail as if the ring could not take them
 * @inject_restore_delay_ms: test hook (debugfs "inject_restore_delay_ms"):
 *	the next restore waits this long between giving the channels their
 *	new queues and DRIVER_OK, to widen the window in which a command
 *	must be refused (read back as 0 once applied)
 * @inject_slow_handbacks: test hook (debugfs "inject_slow_handbacks"): the
 *	next this many deliveries of a command's reply pause
 *	VSCMI_INJECT_HANDBACK_MS after the caller has been woken, before the
 *	buffer goes back to the pool
 * @inflight: commands currently owned by the device
 * @inflight_peak: highest @inflight seen
 * @lat: round-trip histogram, bucket i counts 2^i <= ns < 2^(i+1)
 * @lat_count: round trips measured
 * @lat_sum_ns: sum of round trips
 * @lat_max_ns: longest round trip
 * @dir: debugfs directory of this device
 */
struct vscmi_stats {
	atomic64_t cmds, resps, notifs, dresps, timeouts, released_early;
	atomic64_t late, aborted;
	atomic64_t invalid[VSCMI_INV_NR];
	atomic64_t no_chan, send_errors, evt_refills, evt_refill_errors;
	atomic64_t evt_refill_retries, handback_waits;
	atomic_t inject_post_errors;
	atomic_t inject_restore_delay_ms;
	atomic_t inject_slow_handbacks;
	atomic64_t sleep_polled, sleep_poll_timeouts;
	atomic_t inflight, inflight_peak;
	atomic64_t lat[VSCMI_LAT_BUCKETS];
	atomic64_t lat_count, lat_sum_ns, lat_max_ns;
	struct dentry *dir;
};

void vscmi_stats_init(struct vscmi_stats *st, const char *name);
void vscmi_stats_exit(struct vscmi_stats *st);
void vscmi_stats_latency(struct vscmi_stats *st, u64 ns);
void vscmi_debugfs_init(void);
void vscmi_debugfs_exit(void);

struct vscmi_chan;

/**
 * typedef vscmi_deliver_t - hand a received message to the attachment
 * @ctx: the context attached with vscmi_chan_attach()
 * @chan: the channel
 * @hdr: raw SCMI header to dispatch on (for a command reply: the header of
 *	 the request the buffer carried, so a bad reply cannot be misrouted)
 * @msg: the buffer; valid until the callback returns
 *
 * Called with no lock held and interrupts as the context left them: from
 * the vq callback (hard IRQ, or its IRQ thread on PREEMPT_RT), a poller
 * (which may have interrupts off in atomic mode, never on PREEMPT_RT) or
 * process context; must not sleep.  Two messages of one transfer (a reply
 * and its delayed response) are never delivered at the same time: see
 * struct vscmi_await.
 */
typedef void (*vscmi_deliver_t)(void *ctx, struct vscmi_chan *chan, u32 hdr,
				struct vscmi_msg *msg);

/* vscmi_chan_send() flags */
#define VSCMI_SEND_POLLED	BIT(0)	/* the caller polls for the reply */
#define VSCMI_SEND_ASYNC	BIT(1)	/* a delayed response will follow */
#define VSCMI_SEND_MAY_SLEEP	BIT(2)	/* the caller is allowed to sleep */

/**
 * enum vscmi_await_state - what a token's delayed response may do
 * @VSCMI_AWAIT_NONE: nothing awaits a delayed response with this token
 * @VSCMI_AWAIT_REPLY: an asynchronous command is in flight and its reply
 *	has not come back: a delayed response that overtakes the reply is
 *	accepted (the SCMI core completes both on it)
 * @VSCMI_AWAIT_DRESP: the reply was SUCCESS: the delayed response is
 *	accepted until the deadline
 */
enum vscmi_await_state {
	VSCMI_AWAIT_NONE,
	VSCMI_AWAIT_REPLY,
	VSCMI_AWAIT_DRESP,
};

/**
 * struct vscmi_await - one token's delayed-response gate
 * @req_hdr: header of the command last sent with the token
 * @state: enum vscmi_await_state
 * @async: the command last sent with the token is asynchronous
 * @deadline: jiffies after which a VSCMI_AWAIT_DRESP token accepts nothing
 * @busy: the message of this token's asynchronous transfer (its reply, on
 *	the cmdq, or its delayed response, on the eventq) being delivered to
 *	the consumer right now; for a polled reply, until its caller releases
 *	it (the caller fetches it itself).  NULL: none.
 * @parked: the other message of the transfer, which came while @busy was
 *	being delivered; whoever clears @busy delivers it next.  NULL: none.
 *
 * All members are protected by the command channel's lock.
 *
 * A delayed response is handed to the consumer only while its command
 * still awaits it.  The SCMI core completes a delayed response through a
 * pointer its caller clears (on an error reply, or when it stops waiting)
 * without a lock against the completion, so a delayed response delivered
 * at the wrong time completes a stale or NULL pointer.
 *
 * Ordering.  The two messages of one transfer are never delivered at the
 * same time, on any CPU or in any context: the second to come is parked
 * instead (never spun on) and delivered by the context that delivered the
 * first, once that delivery has returned.  As the reply is taken from the
 * cmdq before the delayed response is judged (the eventq callback reaps the
 * cmdq first), the core sees a reply before its delayed response, and a
 * delivery is never interrupted by the delayed response of its own
 * transfer (the core would spin on that transfer with the interrupted
 * context unable to finish).  This holds with interrupts on, so it is the
 * same on PREEMPT_RT, where the vq callbacks run in IRQ threads.
 */
struct vscmi_await {
	u32 req_hdr;
	u8 state;
	bool async;
	unsigned long deadline;
	struct vscmi_msg *busy;
	struct vscmi_msg *parked;
};

/* struct ewma_vscmi_rtt: round-trip average in ns, weight 1/8 per sample */
DECLARE_EWMA(vscmi_rtt, 4, 8)

/**
 * struct vscmi_chan - one virtqueue and its message pool
 * @lock: protects @vq operations, @free, every message's @refs and @node,
 *	@by_token, @await, @ready, @ctx, @deliveries and @outstanding.  A
 *	spinlock_t taken with spin_lock_irqsave(): the vq callback runs in
 *	hard IRQ context (in an IRQ thread on PREEMPT_RT, where it is a
 *	sleeping lock and interrupts stay on).  Never held while calling
 *	@deliver, never nested with another channel's lock.
 * @vq: the virtqueue, NULL while the device is down
 * @is_event: P2A eventq (device-writable buffers only) rather than cmdq
 * @ready: accepting sends and (re)posting buffers
 * @free: messages owned by nobody
 * @msgs: the pool
 * @nr_msgs: pool size
 * @by_token: command channel: message bound to each in-flight token
 * @await: command channel: each token's delayed-response gate
 * @dresp_window: command channel: how long after a SUCCESS reply its
 *	delayed response is accepted, in jiffies (shorter than the time the
 *	consumer waits for it)
 * @cmd: event channel: the command channel whose tokens its delayed
 *	responses answer (set once before the channel starts)
 * @ctx: attachment context messages are delivered to (NULL: drop)
 * @deliver: delivery callback
 * @deliveries: deliveries currently running
 * @outstanding: command channel: requests owned by the device
 * @kickers: notifications claimed under @lock and being sent after it
 *	(the virtqueue must outlive them)
 * @idle: woken when @deliveries drops to zero, a command completes or
 *	@kickers drops to zero
 * @refill: event channel: reposts free event buffers after a post failed
 *	(retried every VSCMI_REFILL_DELAY_MS while some still fail)
 * @spin_ns: command channel: how long a sleeping caller busy-waits for
 *	its reply before it sleeps (0: never); set before the channel starts
 * @spinners: command channel: callers in vscmi_chan_spin(); at most one
 *	spins at a time (it reaps for everyone), the others sleep
 * @rtt: command channel: moving average of recent round trips, written
 *	locklessly by whoever reaps a reply (a lost update only delays the
 *	average); the spin is skipped while it exceeds @spin_ns
 * @stats: statistics of the device
 * @name: "cmdq" or "eventq", for messages
 * @dev: device for messages
 */
struct vscmi_chan {
	spinlock_t lock;	/* see above */
	struct virtqueue *vq;
	bool is_event;
	bool ready;
	struct list_head free;
	struct vscmi_msg *msgs;
	unsigned int nr_msgs;
	struct vscmi_msg **by_token;
	struct vscmi_await *await;
	unsigned long dresp_window;
	struct vscmi_chan *cmd;
	void *ctx;
	vscmi_deliver_t deliver;
	unsigned int deliveries;
	unsigned int outstanding;
	atomic_t kickers;
	wait_queue_head_t idle;
	struct delayed_work refill;
	u64 spin_ns;
	atomic_t spinners;
	struct ewma_vscmi_rtt rtt;
	struct vscmi_stats *stats;
	const char *name;
	struct device *dev;
};

int vscmi_chan_init(struct vscmi_chan *ch, struct device *dev,
		    struct vscmi_stats *st, bool is_event,
		    unsigned int nr_msgs, size_t max_payload);
void vscmi_chan_destroy(struct vscmi_chan *ch);
void vscmi_chan_start(struct vscmi_chan *ch, struct virtqueue *vq);
void vscmi_chan_ready(struct vscmi_chan *ch);
void vscmi_chan_stop(struct vscmi_chan *ch);
bool vscmi_chan_wait_idle(struct vscmi_chan *ch, unsigned int ms);
void vscmi_chan_reclaim(struct vscmi_chan *ch);
void vscmi_chan_vq_done(struct vscmi_chan *ch);
void vscmi_chan_attach(struct vscmi_chan *ch, void *ctx,
		       vscmi_deliver_t deliver);
void vscmi_chan_detach(struct vscmi_chan *ch, void *ctx);
int vscmi_chan_send(struct vscmi_chan *ch, u32 hdr, const void *payload,
		    size_t len, void *cookie, unsigned int flags,
		    struct vscmi_msg **out, void **publish);
struct vscmi_msg *vscmi_chan_find(struct vscmi_chan *ch, u16 token,
				  void *cookie);
bool vscmi_chan_release(struct vscmi_chan *ch, u16 token, void *cookie,
			bool timed_out);
bool vscmi_chan_poll(struct vscmi_chan *ch, struct vscmi_msg *msg);
bool vscmi_chan_spin(struct vscmi_chan *ch, struct vscmi_msg *msg);
int vscmi_msg_reply(const struct vscmi_msg *msg, s32 *status,
		    const void **payload, size_t *len);
int vscmi_msg_event(const struct vscmi_msg *msg, u32 *hdr,
		    const void **payload, size_t *len);

/**
 * struct vscmi_device - one SCMI virtio device
 * @vdev: the virtio device
 * @dev: &vdev->dev, for messages and as the SCMI core's supplier
 * @cmd: the command channel (cmdq)
 * @evt: the P2A channel (eventq), valid if @has_evt
 * @has_evt: VIRTIO_SCMI_F_P2A_CHANNELS was negotiated
 * @max_payload: largest SCMI payload a buffer carries (max_msg_size)
 * @cmd_max: commands that may be in flight (for get_max_msg)
 * @evt_max: event buffers kept on the eventq
 * @timeout_ms: reply timeout given to the core
 * @spin_us: how long a sleeping caller busy-waits for its reply first
 *	(module parameter)
 * @polling: commands are polled (module parameter)
 * @atomic: atomic transfers are allowed (module parameter)
 * @in_sleep: between this device's suspend (freeze, poweroff) callback and
 *	its resume (thaw, restore): commands are completed by polling
 * @noirq_stopped: the command channel was stopped by this device's
 *	suspend_noirq callback (restarted by its resume_noirq)
 * @stats: statistics
 * @attach: private data of the attachment
 */
struct vscmi_device {
	struct virtio_device *vdev;
	struct device *dev;
	struct vscmi_chan cmd;
	struct vscmi_chan evt;
	bool has_evt;
	unsigned int max_payload;
	unsigned int cmd_max;
	unsigned int evt_max;
	unsigned int timeout_ms;
	unsigned int spin_us;
	bool polling;
	bool atomic;
	bool in_sleep;
	bool noirq_stopped;
	struct vscmi_stats stats;
	void *attach;
};

bool vscmi_sleep_poll(struct vscmi_chan *cmd, struct vscmi_msg *msg);

/* The attachment to a consumer of the transport (src/shim/attach.c) */
int vscmi_attach_probe(struct vscmi_device *vd);
void vscmi_attach_remove(struct vscmi_device *vd);
const char *vscmi_attach_name(void);
unsigned int vscmi_attach_dresp_timeout_ms(void);

#endif /* VSCMI_H */
