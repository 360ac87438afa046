/* SPDX-License-Identifier: GPL-2.0 */
/*
 * platform.h - internals of the SCMI platform daemon (vhost-user back end).
 *
 * Layers, bottom up:
 *   vmem    guest memory table (regions mapped from the front end's fds)
 *   vq      one split virtqueue: chain parsing, used ring, notifications
 *   vu      vhost-user protocol: message I/O and the front-end's requests
 *   faults  fault injection and fuzzing applied to SCMI responses
 *   plat    the SCMI device: cmdq/eventq service, held responses, control
 *           commands, statistics
 * main.c adds the option parsing, the epoll loop and the control client.
 */
#ifndef PLATFORM_H
#define PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scmi_engine.h"

/* ------------------------------------------------------------------ log */

extern int plat_verbose;
extern FILE *plat_logf;

void plat_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define LOG_ERR(...)	plat_log(0, __VA_ARGS__)
#define LOG_INFO(...)	plat_log(1, __VA_ARGS__)
#define LOG_DBG(...)	plat_log(2, __VA_ARGS__)
#define LOG_TRACE(...)	plat_log(3, __VA_ARGS__)

uint64_t now_ns(void);

/* ----------------------------------------------------------------- vmem */

#define VMEM_MAX_REGIONS	8

/**
 * struct vmem_region - one guest memory region shared by the front end
 * @gpa: guest physical address of the first byte
 * @size: length in bytes
 * @uva: the front end's virtual address of the first byte
 * @host: our mapping of the first byte
 * @map: start of our mmap() (the mapping also covers the mmap offset)
 * @map_len: length of our mmap()
 */
struct vmem_region {
	uint64_t gpa;
	uint64_t size;
	uint64_t uva;
	uint8_t *host;
	void *map;
	size_t map_len;
};

/**
 * struct vmem - guest memory table
 * @n: number of valid regions
 * @r: the regions
 */
struct vmem {
	unsigned int n;
	struct vmem_region r[VMEM_MAX_REGIONS];
};

void *vmem_gpa(const struct vmem *m, uint64_t gpa, uint64_t len);
void *vmem_uva(const struct vmem *m, uint64_t uva, uint64_t len);
void vmem_unmap(struct vmem *m);

/* ------------------------------------------------------------------- vq */

#define VRING_DESC_F_NEXT	1
#define VRING_DESC_F_WRITE	2
#define VRING_DESC_F_INDIRECT	4
#define VRING_AVAIL_F_NO_INTERRUPT	1
#define VRING_USED_F_NO_NOTIFY	1

#define VQ_MAX_SIZE	32768
/* Descriptors (with a non-zero length) accepted per direction per chain. */
#define VQ_MAX_IOV	64

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vring_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};

struct vring_used_elem {
	uint32_t id;
	uint32_t len;
};

struct vring_used {
	uint16_t flags;
	uint16_t idx;
	struct vring_used_elem ring[];
};

/**
 * struct vq_iov - one guest buffer segment, already translated
 * @base: host address
 * @len: length in bytes
 */
struct vq_iov {
	uint8_t *base;
	uint32_t len;
};

/**
 * struct vq_chain - a descriptor chain taken from the available ring
 * @head: head descriptor index (the id to put in the used ring)
 * @n_out: device-readable segments
 * @n_in: device-writable segments
 * @out_len: total readable bytes
 * @in_len: total writable bytes
 * @out: readable segments, in order
 * @in: writable segments, in order
 */
struct vq_chain {
	uint16_t head;
	unsigned int n_out, n_in;
	uint64_t out_len, in_len;
	struct vq_iov out[VQ_MAX_IOV];
	struct vq_iov in[VQ_MAX_IOV];
};

/**
 * struct vq - one split virtqueue as seen by the device
 * @num: ring size (0: not configured)
 * @desc_uva: descriptor table, front-end virtual address
 * @avail_uva: available ring, front-end virtual address
 * @used_uva: used ring, front-end virtual address
 * @desc: mapped descriptor table (NULL until mapped)
 * @avail: mapped available ring
 * @used: mapped used ring
 * @last_avail: next available ring entry to take
 * @used_idx: our copy of used->idx
 * @signalled_used: used index at the last interrupt (EVENT_IDX)
 * @signalled_valid: @signalled_used is meaningful
 * @event_idx: VIRTIO_RING_F_EVENT_IDX negotiated
 * @indirect: VIRTIO_RING_F_INDIRECT_DESC negotiated
 * @kick_fd: eventfd the driver's kicks arrive on (-1: none)
 * @call_fd: eventfd we signal the driver with (-1: none)
 * @err_fd: eventfd for ring errors (-1: none)
 * @started: kick fd received, not stopped by GET_VRING_BASE
 * @enabled: SET_VRING_ENABLE(1) received (or no PROTOCOL_FEATURES)
 * @broken: ring found inconsistent; no more processing until restarted
 * @pushed: used entries added since the last notification decision
 * @irq_sent: interrupts signalled
 * @irq_suppressed: interrupts the driver asked us not to send
 */
struct vq {
	unsigned int num;
	uint64_t desc_uva, avail_uva, used_uva;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t last_avail;
	uint16_t used_idx;
	uint16_t signalled_used;
	bool signalled_valid;
	bool event_idx;
	bool indirect;
	int kick_fd, call_fd, err_fd;
	bool started, enabled, broken;
	unsigned int pushed;
	uint64_t irq_sent, irq_suppressed;
};

enum vq_pop_result {
	VQ_EMPTY = 0,
	VQ_CHAIN = 1,
	VQ_BAD = -1,	/* malformed chain; head consumed, see head_valid */
	VQ_BROKEN = -2,	/* ring itself inconsistent */
};

void vq_init(struct vq *q);
bool vq_map(struct vq *q, const struct vmem *m);
bool vq_ready(const struct vq *q);
int vq_pop(struct vq *q, const struct vmem *m, struct vq_chain *c, bool *head_valid,
	   const char **why);
bool vq_has_avail(const struct vq *q);
void vq_push(struct vq *q, uint16_t head, uint32_t len);
bool vq_need_notify(struct vq *q);
void vq_notify(struct vq *q);
void vq_set_kick_notify(struct vq *q, bool enable);
size_t vq_gather(const struct vq_chain *c, void *buf, size_t cap);
size_t vq_scatter(const struct vq_chain *c, const void *buf, size_t len);

/* ------------------------------------------------------------------- vu */

#define VHOST_USER_GET_FEATURES		1
#define VHOST_USER_SET_FEATURES		2
#define VHOST_USER_SET_OWNER		3
#define VHOST_USER_RESET_OWNER		4
#define VHOST_USER_SET_MEM_TABLE	5
#define VHOST_USER_SET_LOG_BASE		6
#define VHOST_USER_SET_LOG_FD		7
#define VHOST_USER_SET_VRING_NUM	8
#define VHOST_USER_SET_VRING_ADDR	9
#define VHOST_USER_SET_VRING_BASE	10
#define VHOST_USER_GET_VRING_BASE	11
#define VHOST_USER_SET_VRING_KICK	12
#define VHOST_USER_SET_VRING_CALL	13
#define VHOST_USER_SET_VRING_ERR	14
#define VHOST_USER_GET_PROTOCOL_FEATURES 15
#define VHOST_USER_SET_PROTOCOL_FEATURES 16
#define VHOST_USER_GET_QUEUE_NUM	17
#define VHOST_USER_SET_VRING_ENABLE	18
#define VHOST_USER_RESET_DEVICE		34

#define VHOST_USER_VERSION	1
#define VHOST_USER_FLAG_REPLY	(1u << 2)
#define VHOST_USER_FLAG_NEED_REPLY (1u << 3)
#define VHOST_USER_VRING_IDX_MASK 0xffu
#define VHOST_USER_VRING_NOFD	(1ull << 8)
#define VHOST_USER_MAX_PAYLOAD	4096
#define VHOST_USER_MAX_FDS	8

#define VIRTIO_SCMI_F_P2A_CHANNELS	0
#define VIRTIO_SCMI_F_SHARED_MEMORY	1
#define VIRTIO_F_NOTIFY_ON_EMPTY	24
#define VIRTIO_RING_F_INDIRECT_DESC	28
#define VIRTIO_RING_F_EVENT_IDX		29
#define VHOST_USER_F_PROTOCOL_FEATURES	30
#define VIRTIO_F_VERSION_1		32
#define VIRTIO_F_RING_RESET		40

#define VHOST_USER_PROTOCOL_F_MQ	0
#define VHOST_USER_PROTOCOL_F_REPLY_ACK	3
#define VHOST_USER_PROTOCOL_F_RESET_DEVICE 13

/* What we offer to the front end. */
#define PLAT_FEATURES	((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_EVENT_IDX) | \
			 (1ull << VIRTIO_RING_F_INDIRECT_DESC) | \
			 (1ull << VHOST_USER_F_PROTOCOL_FEATURES) | \
			 (1ull << VIRTIO_SCMI_F_P2A_CHANNELS))
/* What we accept in SET_FEATURES besides PLAT_FEATURES (ignored). */
#define PLAT_FEATURES_TOLERATED	((1ull << VIRTIO_F_NOTIFY_ON_EMPTY) | \
				 (1ull << VIRTIO_F_RING_RESET) | \
				 (1ull << VIRTIO_SCMI_F_SHARED_MEMORY))
#define PLAT_PROTOCOL_FEATURES	((1ull << VHOST_USER_PROTOCOL_F_MQ) | \
				 (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK) | \
				 (1ull << VHOST_USER_PROTOCOL_F_RESET_DEVICE))
#define PLAT_NUM_QUEUES	2

/**
 * struct vu_hdr - vhost-user message header
 * @request: request id
 * @flags: version (bits 0-1), reply (bit 2), need_reply (bit 3)
 * @size: payload length
 */
struct vu_hdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
} __attribute__((packed));

/**
 * struct vu_msg - one received message
 * @hdr: header
 * @payload: payload bytes (hdr.size of them)
 * @fds: file descriptors received with it (-1 after being taken)
 * @nfds: number of @fds
 */
struct vu_msg {
	struct vu_hdr hdr;
	uint8_t payload[VHOST_USER_MAX_PAYLOAD];
	int fds[VHOST_USER_MAX_FDS];
	int nfds;
};

struct vu;

/**
 * struct vu_ops - device callbacks from the vhost-user layer
 * @reset: forget all device state (new negotiation, reset, disconnect)
 * @features: SET_FEATURES accepted with these feature bits
 * @queue_start: queue @idx may now be processed
 * @queue_stop: queue @idx must no longer be touched
 * @mem_changed: the memory table was replaced
 */
struct vu_ops {
	void (*reset)(struct vu *vu);
	void (*features)(struct vu *vu, uint64_t features);
	void (*queue_start)(struct vu *vu, unsigned int idx);
	void (*queue_stop)(struct vu *vu, unsigned int idx);
	void (*mem_changed)(struct vu *vu);
};

/**
 * struct vu - one vhost-user connection's device state
 * @fd: connection socket (-1: none)
 * @offered: virtio feature bits offered in GET_FEATURES (PLAT_FEATURES,
 *	less VIRTIO_SCMI_F_P2A_CHANNELS with --no-p2a)
 * @features: negotiated virtio feature bits
 * @protocol_features: negotiated protocol feature bits
 * @owned: SET_OWNER seen
 * @mem: memory table
 * @vq: the two virtqueues (cmdq, eventq)
 * @ops: device callbacks
 * @opaque: for the callbacks
 * @unknown: unknown requests received
 * @msgs: messages handled
 * @last_features: features of the last SET_FEATURES (kept after disconnect)
 * @last_protocol_features: same for SET_PROTOCOL_FEATURES
 * @irq_sent_total: interrupts signalled per queue by rings since reset
 * @irq_suppressed_total: interrupts suppressed, same
 */
struct vu {
	int fd;
	uint64_t offered;
	uint64_t features;
	uint64_t protocol_features;
	bool owned;
	struct vmem mem;
	struct vq vq[PLAT_NUM_QUEUES];
	const struct vu_ops *ops;
	void *opaque;
	uint64_t unknown;
	uint64_t msgs;
	uint64_t last_features;
	uint64_t last_protocol_features;
	uint64_t irq_sent_total[PLAT_NUM_QUEUES];
	uint64_t irq_suppressed_total[PLAT_NUM_QUEUES];
};

void vu_init(struct vu *vu, const struct vu_ops *ops, void *opaque);
void vu_disconnect(struct vu *vu);
int vu_recv(int fd, struct vu_msg *msg);
int vu_send(int fd, const struct vu_hdr *hdr, const void *payload, const int *fds, int nfds);
int vu_handle(struct vu *vu, struct vu_msg *msg);
int vu_service(struct vu *vu);
const char *vu_request_name(uint32_t req);

/* --------------------------------------------------------------- faults */

enum fault_kind {
	FAULT_DELAY,
	FAULT_DROP,
	FAULT_REORDER,
	FAULT_DUPLICATE,
	FAULT_TOKEN,
	FAULT_HEADER,
	FAULT_TRUNCATE,
	FAULT_OVERSIZE,
	FAULT_GARBAGE,
	FAULT_STALL,
	FAULT_EVQ_STARVE,
	FAULT_DELAYED_ORPHAN,
	FAULT_NOTIFY_DISABLED,
	FAULT_STATUS,
	FAULT_NKINDS,
};

#define FAULT_ALWAYS	(-1)
#define FAULT_MAX_RULES	32

/**
 * struct fault_rule - one armed fault
 * @kind: what to do
 * @count: matching responses left to affect (FAULT_ALWAYS: no limit)
 * @proto: protocol id to match, -1 any
 * @msg: message id to match, -1 any
 * @arg: numeric argument (delay ms, truncate length, oversize extra bytes,
 *	status word)
 * @mode: sub-mode (token: 0 unknown, 1 stale, 2 random; header: bit mask)
 */
struct fault_rule {
	enum fault_kind kind;
	long count;
	int proto, msg;
	uint64_t arg;
	int mode;
};

/**
 * struct faults - fault injection state
 * @rules: armed per-response rules
 * @nrules: number of @rules
 * @stall: cmdq processing stopped
 * @starve: eventq buffers not consumed
 * @applied: faults applied, per kind
 * @fuzz_on: fuzzing enabled
 * @fuzz_seed: seed given
 * @fuzz_rate: fraction of messages mutated (0..1)
 * @fuzz_state: PRNG state
 * @fuzz_mutated: messages mutated
 * @rng: PRNG state for garbage/random tokens
 * @last_token: token of the previous response (for "stale")
 */
struct faults {
	struct fault_rule rules[FAULT_MAX_RULES];
	unsigned int nrules;
	bool stall, starve;
	uint64_t applied[FAULT_NKINDS];
	bool fuzz_on;
	uint64_t fuzz_seed;
	double fuzz_rate;
	uint64_t fuzz_state;
	uint64_t fuzz_mutated;
	uint64_t rng;
	uint32_t last_token;
};

enum fault_action {
	FA_NOW,		/* deliver now */
	FA_DELAY,	/* deliver after delay_ns */
	FA_DROP,	/* never deliver */
	FA_REORDER,	/* deliver after the next response (or delay_ns) */
};

/**
 * struct fault_result - what to do with one response
 * @action: when to deliver
 * @delay_ns: for FA_DELAY / FA_REORDER (fallback)
 * @duplicate: also send a copy on the eventq
 * @report_len: used length to report (may differ from bytes written)
 */
struct fault_result {
	enum fault_action action;
	uint64_t delay_ns;
	bool duplicate;
	uint32_t report_len;
};

extern const char *const fault_names[FAULT_NKINDS];

void faults_init(struct faults *f);
int faults_parse(struct faults *f, int argc, char **argv, char *err, size_t errlen,
		 struct fault_rule *immediate);
void faults_apply(struct faults *f, uint8_t *resp, size_t *resp_len, size_t cap,
		  struct fault_result *res);
bool faults_fuzz(struct faults *f, uint8_t *buf, size_t *len, size_t cap);
uint64_t faults_rand(uint64_t *state);
size_t faults_make_p2a(const struct fault_rule *r, uint32_t token, uint8_t *buf, size_t cap);

/* ---------------------------------------------------------------- stats */

#define LAT_SAMPLES	65536

/**
 * struct lat - service time samples (a ring of the most recent ones)
 * @n: samples recorded in total
 * @max: largest ever
 * @s: the ring
 */
struct lat {
	uint64_t n;
	uint64_t max;
	uint32_t s[LAT_SAMPLES];
};

void lat_add(struct lat *l, uint64_t ns);
uint64_t lat_pct(const struct lat *l, unsigned int pct);

/* ----------------------------------------------------------------- plat */

#define PLAT_MAX_HELD	1024
#define PLAT_MAX_INJECT	256
#define PLAT_MAX_EVBUFS	256

/**
 * struct held - a response not yet put in the used ring
 * @chain: the cmdq chain it answers
 * @resp: response bytes
 * @len: response length
 * @report_len: used length to report
 * @due: CLOCK_MONOTONIC ns when to deliver (UINT64_MAX: never)
 * @reorder: deliver right after the next normal response
 */
struct held {
	struct vq_chain chain;
	uint8_t resp[SCMI_ENGINE_MAX_SDU];
	size_t len;
	uint32_t report_len;
	uint64_t due;
	bool reorder;
};

/**
 * struct inject - a daemon-made P2A message waiting for an eventq buffer
 * @len: length
 * @buf: bytes
 */
struct inject {
	size_t len;
	uint8_t buf[SCMI_ENGINE_MAX_SDU];
};

/**
 * struct plat_stats - daemon counters (see the README's Daemon section)
 */
struct plat_stats {
	uint64_t requests, responses, responses_empty;
	uint64_t notifications_sent, delayed_sent, p2a_injected, p2a_truncated;
	uint64_t bad_chains, bad_eventq;
	uint64_t dropped_held;
	uint64_t cmdq_before_ready;
	uint64_t connections;
	struct lat engine, chain;
};

/**
 * struct plat - the SCMI device
 * @vu: vhost-user state
 * @engine: protocol engine
 * @faults: fault injection
 * @st: counters
 * @held: responses waiting (delay, drop, reorder)
 * @nheld: number of @held
 * @evbufs: eventq chains taken but not yet filled
 * @nevbufs: number of @evbufs
 * @inject: daemon-made P2A messages waiting for buffers
 * @ninject: number of @inject
 * @p2a: VIRTIO_SCMI_F_P2A_CHANNELS negotiated
 */
struct plat {
	struct vu vu;
	struct scmi_engine *engine;
	struct faults faults;
	struct plat_stats st;
	struct held *held[PLAT_MAX_HELD];
	unsigned int nheld;
	struct vq_chain *evbufs[PLAT_MAX_EVBUFS];
	unsigned int nevbufs;
	struct inject *inject[PLAT_MAX_INJECT];
	unsigned int ninject;
	bool p2a;
};

void plat_init(struct plat *p, struct scmi_engine *e);
void plat_fini(struct plat *p);
void plat_process(struct plat *p);
void plat_process_cmdq(struct plat *p);
void plat_process_eventq(struct plat *p);
void plat_timer(struct plat *p);
uint64_t plat_next_deadline(const struct plat *p);
void plat_drop_queues(struct plat *p);

enum plat_ctl_result {
	PCTL_OK = 0,
	PCTL_ERR = -1,
	PCTL_EXIT = 1,
	PCTL_RESTART = 2,
};

int plat_ctl_line(struct plat *p, char *line, FILE *out);
int plat_split(char *line, char **argv, int max);

#endif /* PLATFORM_H */
