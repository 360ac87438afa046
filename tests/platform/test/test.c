// SPDX-License-Identifier: GPL-2.0
/*
 * test.c - unit tests of the daemon: split virtqueues against fake guest
 * memory, the vhost-user message handling against a socketpair peer, the
 * control command parser and every fault kind's effect.
 *
 * Output: "ok N - name" / "not ok N - name: reason", then "N passed, N failed".
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../platform.h"
#include "engine_stub.h"

static char why[8192];
static int n_run, n_pass, n_fail;

#define CHECK(c) do { if (!(c)) { snprintf(why, sizeof(why), "line %d: %s", __LINE__, #c); \
			return false; } } while (0)

static void run(const char *name, bool (*fn)(void))
{
	why[0] = '\0';
	n_run++;
	if (fn()) {
		n_pass++;
		printf("ok %d - %s\n", n_run, name);
	} else {
		n_fail++;
		printf("not ok %d - %s: %s\n", n_run, name, why);
	}
	fflush(stdout);
}

/* ------------------------------------------------------- fake guest memory */

#define MEM_SIZE	(1u << 20)
#define GPA_BASE	0x40000000ull
#define UVA_BASE	0x7f0000000000ull
#define QNUM		16

static uint8_t *mem;
static struct vmem vm;
static uint64_t next_buf;

static void *host(uint64_t gpa)
{
	return mem + (gpa - GPA_BASE);
}

static uint64_t galloc(size_t len)
{
	uint64_t g = next_buf;

	next_buf += (len + 63) & ~63ull;
	return g;
}

/* Queue qi's rings live at 64 KiB * qi; buffers from 256 KiB up. */
static void fake_queue(struct vq *q, unsigned int qi, bool event_idx, bool indirect)
{
	uint64_t base = 0x10000ull * qi;

	vq_init(q);
	q->num = QNUM;
	q->desc_uva = UVA_BASE + base;
	q->avail_uva = UVA_BASE + base + 0x1000;
	q->used_uva = UVA_BASE + base + 0x2000;
	q->event_idx = event_idx;
	q->indirect = indirect;
	q->started = true;
	q->enabled = true;
	memset(mem + base, 0, 0x10000);
	vq_map(q, &vm);
}

static void fake_mem(void)
{
	if (!mem)
		mem = aligned_alloc(4096, MEM_SIZE);
	memset(mem, 0, MEM_SIZE);
	memset(&vm, 0, sizeof(vm));
	vm.n = 1;
	vm.r[0].gpa = GPA_BASE;
	vm.r[0].size = MEM_SIZE;
	vm.r[0].uva = UVA_BASE;
	vm.r[0].host = mem;
	next_buf = GPA_BASE + 0x40000;
}

static void set_desc(struct vring_desc *t, unsigned int i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	t[i].addr = addr;
	t[i].len = len;
	t[i].flags = flags;
	t[i].next = next;
}

static void make_avail(struct vq *q, uint16_t head)
{
	uint16_t idx = q->avail->idx;

	q->avail->ring[idx % q->num] = head;
	__atomic_store_n(&q->avail->idx, (uint16_t)(idx + 1), __ATOMIC_RELEASE);
}

/* A request/response chain at descriptors d, d+1. */
static void two_desc(struct vq *q, unsigned int d, const void *req, uint32_t req_len,
		     uint32_t resp_len, uint64_t *resp_gpa)
{
	uint64_t rq = galloc(req_len), rs = galloc(resp_len);

	memcpy(host(rq), req, req_len);
	set_desc(q->desc, d, rq, req_len, VRING_DESC_F_NEXT, d + 1);
	set_desc(q->desc, d + 1, rs, resp_len, VRING_DESC_F_WRITE, 0);
	if (resp_gpa)
		*resp_gpa = rs;
	make_avail(q, d);
}

static struct vq Q;
static struct vq_chain C;

static int pop(const char **w, bool *hv)
{
	bool h;
	const char *ww = NULL;
	int r = vq_pop(&Q, &vm, &C, &h, &ww);

	if (w)
		*w = ww;
	if (hv)
		*hv = h;
	return r;
}

/* ---------------------------------------------------------------- vq tests */

static bool t_vq_empty(void)
{
	fake_mem();
	fake_queue(&Q, 0, false, false);
	CHECK(vq_ready(&Q));
	CHECK(pop(NULL, NULL) == VQ_EMPTY);
	return true;
}

static bool t_vq_simple(void)
{
	uint8_t req[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	uint8_t out[16];

	fake_mem();
	fake_queue(&Q, 0, false, false);
	two_desc(&Q, 0, req, sizeof(req), 64, NULL);
	CHECK(pop(NULL, NULL) == VQ_CHAIN);
	CHECK(C.head == 0 && C.n_out == 1 && C.n_in == 1);
	CHECK(C.out_len == 12 && C.in_len == 64);
	CHECK(vq_gather(&C, out, sizeof(out)) == 12 && !memcmp(out, req, 12));
	CHECK(pop(NULL, NULL) == VQ_EMPTY);
	return true;
}

static bool t_vq_multi_segments(void)
{
	uint64_t a = galloc(0), g[5];
	uint8_t out[64], pattern[40];
	unsigned int i;

	(void)a;
	fake_mem();
	fake_queue(&Q, 0, false, false);
	for (i = 0; i < 5; i++)
		g[i] = galloc(8);
	for (i = 0; i < 24; i++)
		((uint8_t *)host(g[i / 8]))[i % 8] = i;
	/* 3 readable, 2 writable, in a scattered order of descriptor slots */
	set_desc(Q.desc, 5, g[0], 8, VRING_DESC_F_NEXT, 2);
	set_desc(Q.desc, 2, g[1], 8, VRING_DESC_F_NEXT, 9);
	set_desc(Q.desc, 9, g[2], 8, VRING_DESC_F_NEXT, 0);
	set_desc(Q.desc, 0, g[3], 8, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 7);
	set_desc(Q.desc, 7, g[4], 8, VRING_DESC_F_WRITE, 0);
	make_avail(&Q, 5);
	CHECK(pop(NULL, NULL) == VQ_CHAIN);
	CHECK(C.head == 5 && C.n_out == 3 && C.n_in == 2 && C.out_len == 24 && C.in_len == 16);
	CHECK(vq_gather(&C, out, sizeof(out)) == 24);
	for (i = 0; i < 24; i++)
		CHECK(out[i] == i);
	for (i = 0; i < sizeof(pattern); i++)
		pattern[i] = 0xa0 + i;
	CHECK(vq_scatter(&C, pattern, sizeof(pattern)) == 16);
	CHECK(!memcmp(host(g[3]), pattern, 8) && !memcmp(host(g[4]), pattern + 8, 8));
	return true;
}

static bool t_vq_indirect(void)
{
	uint64_t tbl, rq, rs;
	struct vring_desc *t;

	fake_mem();
	fake_queue(&Q, 0, false, true);
	tbl = galloc(3 * 16);
	rq = galloc(4);
	rs = galloc(32);
	t = host(tbl);
	set_desc(t, 0, rq, 4, VRING_DESC_F_NEXT, 2);
	set_desc(t, 2, rs, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	set_desc(t, 1, rs + 16, 16, VRING_DESC_F_WRITE, 0);
	set_desc(Q.desc, 3, tbl, 3 * 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(&Q, 3);
	CHECK(pop(NULL, NULL) == VQ_CHAIN);
	CHECK(C.head == 3 && C.n_out == 1 && C.n_in == 2 && C.in_len == 32);
	return true;
}

static bool expect_bad(const char *what, bool head_valid)
{
	const char *w;
	bool hv;
	int r = pop(&w, &hv);

	if (r != VQ_BAD) {
		snprintf(why, sizeof(why), "%s: vq_pop returned %d, not VQ_BAD", what, r);
		return false;
	}
	if (hv != head_valid) {
		snprintf(why, sizeof(why), "%s: head_valid %d (%s)", what, hv, w);
		return false;
	}
	if (pop(NULL, NULL) != VQ_EMPTY) {
		snprintf(why, sizeof(why), "%s: bad chain not consumed", what);
		return false;
	}
	return true;
}

static bool t_vq_indirect_not_negotiated(void)
{
	uint64_t tbl;

	fake_mem();
	fake_queue(&Q, 0, false, false);
	tbl = galloc(16);
	set_desc(host(tbl), 0, galloc(8), 8, 0, 0);
	set_desc(Q.desc, 0, tbl, 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(&Q, 0);
	return expect_bad("indirect without feature", true);
}

static bool t_vq_indirect_nested(void)
{
	uint64_t t1 = galloc(16), t2 = galloc(16);

	fake_mem();
	fake_queue(&Q, 0, false, true);
	set_desc(host(t2), 0, galloc(8), 8, 0, 0);
	set_desc(host(t1), 0, t2, 16, VRING_DESC_F_INDIRECT, 0);
	set_desc(Q.desc, 0, t1, 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(&Q, 0);
	return expect_bad("indirect in indirect", true);
}

static bool t_vq_indirect_with_next(void)
{
	uint64_t tbl;

	fake_mem();
	fake_queue(&Q, 0, false, true);
	tbl = galloc(16);
	set_desc(host(tbl), 0, galloc(8), 8, 0, 0);
	set_desc(Q.desc, 0, tbl, 16, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
	set_desc(Q.desc, 1, galloc(8), 8, VRING_DESC_F_WRITE, 0);
	make_avail(&Q, 0);
	return expect_bad("indirect with next", true);
}

static bool t_vq_indirect_bad_len(void)
{
	uint64_t tbl;

	fake_mem();
	fake_queue(&Q, 0, false, true);
	tbl = galloc(32);
	set_desc(Q.desc, 0, tbl, 20, VRING_DESC_F_INDIRECT, 0);
	make_avail(&Q, 0);
	if (!expect_bad("indirect length 20", true))
		return false;
	set_desc(Q.desc, 1, tbl, 0, VRING_DESC_F_INDIRECT, 0);
	make_avail(&Q, 1);
	return expect_bad("indirect length 0", true);
}

static bool t_vq_indirect_outside(void)
{
	fake_mem();
	fake_queue(&Q, 0, false, true);
	set_desc(Q.desc, 0, GPA_BASE + MEM_SIZE - 16, 32, VRING_DESC_F_INDIRECT, 0);
	make_avail(&Q, 0);
	return expect_bad("indirect table past the end", true);
}

static bool t_vq_loop(void)
{
	uint64_t b = 0;

	fake_mem();
	b = galloc(8);
	fake_queue(&Q, 0, false, false);
	set_desc(Q.desc, 0, b, 8, VRING_DESC_F_NEXT, 1);
	set_desc(Q.desc, 1, b, 8, VRING_DESC_F_NEXT, 0);
	make_avail(&Q, 0);
	return expect_bad("loop", true);
}

static bool t_vq_indirect_loop(void)
{
	uint64_t tbl, b;
	struct vring_desc *t;

	fake_mem();
	fake_queue(&Q, 0, false, true);
	tbl = galloc(32);
	b = galloc(8);
	t = host(tbl);
	set_desc(t, 0, b, 8, VRING_DESC_F_NEXT, 1);
	set_desc(t, 1, b, 8, VRING_DESC_F_NEXT, 0);
	set_desc(Q.desc, 0, tbl, 32, VRING_DESC_F_INDIRECT, 0);
	make_avail(&Q, 0);
	return expect_bad("loop inside an indirect table", true);
}

static bool t_vq_read_after_write(void)
{
	fake_mem();
	fake_queue(&Q, 0, false, false);
	set_desc(Q.desc, 0, galloc(8), 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	set_desc(Q.desc, 1, galloc(8), 8, VRING_DESC_F_NEXT, 2);
	set_desc(Q.desc, 2, galloc(8), 8, VRING_DESC_F_WRITE, 0);
	make_avail(&Q, 0);
	return expect_bad("readable after writable", true);
}

static bool t_vq_out_of_memory(void)
{
	fake_mem();
	fake_queue(&Q, 0, false, false);
	set_desc(Q.desc, 0, GPA_BASE + MEM_SIZE, 8, VRING_DESC_F_NEXT, 1);
	set_desc(Q.desc, 1, galloc(8), 8, VRING_DESC_F_WRITE, 0);
	make_avail(&Q, 0);
	if (!expect_bad("buffer after the end", true))
		return false;
	set_desc(Q.desc, 2, GPA_BASE - 4, 8, 0, 0);
	make_avail(&Q, 2);
	if (!expect_bad("buffer straddling the start", true))
		return false;
	set_desc(Q.desc, 3, GPA_BASE + MEM_SIZE - 4, 8, VRING_DESC_F_WRITE, 0);
	make_avail(&Q, 3);
	return expect_bad("buffer straddling the end", true);
}

static bool t_vq_overflow(void)
{
	fake_mem();
	fake_queue(&Q, 0, false, false);
	set_desc(Q.desc, 0, UINT64_MAX - 7, 100, 0, 0);
	make_avail(&Q, 0);
	if (!expect_bad("address + length wraps", true))
		return false;
	set_desc(Q.desc, 1, GPA_BASE + 16, 0xffffffffu, VRING_DESC_F_WRITE, 0);
	make_avail(&Q, 1);
	return expect_bad("4 GiB length", true);
}

static bool t_vq_bad_head(void)
{
	fake_mem();
	fake_queue(&Q, 0, false, false);
	make_avail(&Q, QNUM + 3);
	return expect_bad("head out of range", false);
}

static bool t_vq_bad_next(void)
{
	fake_mem();
	fake_queue(&Q, 0, false, false);
	set_desc(Q.desc, 0, galloc(8), 8, VRING_DESC_F_NEXT, 200);
	make_avail(&Q, 0);
	return expect_bad("next out of range", true);
}

static bool t_vq_too_long(void)
{
	uint64_t tbl;
	struct vring_desc *t;
	unsigned int i, n = VQ_MAX_IOV + 4;

	fake_mem();
	fake_queue(&Q, 0, false, true);
	tbl = galloc(n * 16);
	t = host(tbl);
	for (i = 0; i < n; i++)
		set_desc(t, i, galloc(4), 4, i + 1 < n ? VRING_DESC_F_NEXT : 0, i + 1);
	set_desc(Q.desc, 0, tbl, n * 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(&Q, 0);
	return expect_bad("more segments than VQ_MAX_IOV", true);
}

static bool t_vq_broken_index(void)
{
	const char *w;
	bool hv;

	fake_mem();
	fake_queue(&Q, 0, false, false);
	Q.avail->idx = QNUM + 5;
	CHECK(vq_pop(&Q, &vm, &C, &hv, &w) == VQ_BROKEN);
	CHECK(Q.broken && !vq_ready(&Q));
	return true;
}

static bool t_vq_push(void)
{
	fake_mem();
	fake_queue(&Q, 0, false, false);
	Q.used_idx = 0xffff;	/* wrap */
	Q.used->idx = 0xffff;
	vq_push(&Q, 7, 42);
	CHECK(Q.used->idx == 0);
	CHECK(Q.used->ring[0xffff % QNUM].id == 7 && Q.used->ring[0xffff % QNUM].len == 42);
	vq_push(&Q, 3, 9);
	CHECK(Q.used->idx == 1 && Q.used->ring[0].id == 3);
	return true;
}

static uint16_t *used_event(struct vq *q)
{
	return &q->avail->ring[q->num];
}

static uint16_t *avail_event(struct vq *q)
{
	return (uint16_t *)&q->used->ring[q->num];
}

static bool t_vq_event_idx_call(void)
{
	fake_mem();
	fake_queue(&Q, 0, true, false);
	vq_push(&Q, 0, 0);
	CHECK(vq_need_notify(&Q));		/* first one always */
	*used_event(&Q) = 0;			/* driver wants an irq after entry 0 */
	vq_push(&Q, 1, 0);			/* used idx 2: already past event 0 */
	CHECK(!vq_need_notify(&Q));
	*used_event(&Q) = 3;
	vq_push(&Q, 2, 0);			/* idx 3: event 3 not yet crossed */
	CHECK(!vq_need_notify(&Q));
	vq_push(&Q, 3, 0);			/* idx 4: crosses entry 3 */
	CHECK(vq_need_notify(&Q));
	/* NO_INTERRUPT is ignored with EVENT_IDX */
	Q.avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	*used_event(&Q) = 4;
	vq_push(&Q, 4, 0);
	CHECK(vq_need_notify(&Q));
	return true;
}

static bool t_vq_no_interrupt_flag(void)
{
	fake_mem();
	fake_queue(&Q, 0, false, false);
	vq_push(&Q, 0, 0);
	CHECK(vq_need_notify(&Q));
	Q.avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	vq_push(&Q, 1, 0);
	CHECK(!vq_need_notify(&Q));
	return true;
}

static bool t_vq_call_fd(void)
{
	int p[2];
	uint64_t v = 0;

	fake_mem();
	fake_queue(&Q, 0, true, false);
	CHECK(pipe(p) == 0);
	Q.call_fd = p[1];
	vq_push(&Q, 0, 0);
	vq_push(&Q, 1, 0);
	vq_notify(&Q);			/* first: signalled */
	*used_event(&Q) = 5;
	vq_push(&Q, 2, 0);
	vq_notify(&Q);			/* idx 3, event 5: suppressed */
	CHECK(Q.irq_sent == 1 && Q.irq_suppressed == 1);
	CHECK(read(p[0], &v, 8) == 8 && v == 1);
	close(p[0]);
	close(p[1]);
	return true;
}

static bool t_vq_kick_suppression(void)
{
	fake_mem();
	fake_queue(&Q, 0, true, false);
	two_desc(&Q, 0, "abcd", 4, 16, NULL);
	CHECK(pop(NULL, NULL) == VQ_CHAIN);
	vq_set_kick_notify(&Q, true);
	CHECK(*avail_event(&Q) == 1);
	fake_queue(&Q, 0, false, false);
	vq_set_kick_notify(&Q, false);
	CHECK(Q.used->flags == VRING_USED_F_NO_NOTIFY);
	vq_set_kick_notify(&Q, true);
	CHECK(Q.used->flags == 0);
	return true;
}

static bool t_vmem_bounds(void)
{
	fake_mem();
	CHECK(vmem_gpa(&vm, GPA_BASE, MEM_SIZE) == mem);
	CHECK(vmem_gpa(&vm, GPA_BASE + MEM_SIZE - 1, 1) == mem + MEM_SIZE - 1);
	CHECK(!vmem_gpa(&vm, GPA_BASE + MEM_SIZE - 1, 2));
	CHECK(!vmem_gpa(&vm, GPA_BASE + MEM_SIZE, 0));
	CHECK(!vmem_gpa(&vm, GPA_BASE - 1, 1));
	CHECK(!vmem_gpa(&vm, GPA_BASE + 8, UINT64_MAX));
	CHECK(vmem_uva(&vm, UVA_BASE + 16, 16) == mem + 16);
	Q.num = 16;
	Q.desc_uva = UVA_BASE + MEM_SIZE - 8;
	Q.avail_uva = UVA_BASE;
	Q.used_uva = UVA_BASE;
	CHECK(!vq_map(&Q, &vm));
	return true;
}

/* ------------------------------------------------------------- vhost-user */

static struct plat P;
static int peer = -1;

static bool vu_setup(void)
{
	int sv[2];
	struct scmi_engine *e;
	char err[64];

	if (P.engine)
		plat_fini(&P);
	e = P.engine ? P.engine : scmi_engine_new(NULL, err, sizeof(err));
	if (!e)
		return false;
	plat_init(&P, e);
	if (peer >= 0)
		close(peer);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return false;
	P.vu.fd = sv[0];
	peer = sv[1];
	return true;
}

/* Send a message from the fake front end and let the daemon handle it. */
static int vu_xfer(uint32_t req, uint32_t flags, const void *payload, uint32_t size,
		   const int *fds, int nfds)
{
	struct vu_hdr h = { req, VHOST_USER_VERSION | flags, size };

	if (vu_send(peer, &h, payload, fds, nfds) < 0)
		return -2;
	return vu_service(&P.vu);
}

static bool vu_reply(uint32_t req, void *payload, uint32_t size)
{
	struct vu_hdr h;
	struct timeval tv = { .tv_sec = 1 };

	setsockopt(peer, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (read(peer, &h, sizeof(h)) != sizeof(h))
		return false;
	if (h.request != req || h.flags != (VHOST_USER_VERSION | VHOST_USER_FLAG_REPLY) ||
	    h.size != size)
		return false;
	return read(peer, payload, size) == (ssize_t)size;
}

static bool no_reply(void)
{
	char c;

	return recv(peer, &c, 1, MSG_DONTWAIT) < 0;
}

static bool t_vu_get_features(void)
{
	uint64_t v = 0;

	CHECK(vu_setup());
	CHECK(vu_xfer(VHOST_USER_GET_FEATURES, 0, NULL, 0, NULL, 0) == 0);
	CHECK(vu_reply(VHOST_USER_GET_FEATURES, &v, 8));
	CHECK(v == PLAT_FEATURES);
	CHECK(v & (1ull << VIRTIO_SCMI_F_P2A_CHANNELS));
	CHECK(!(v & (1ull << VIRTIO_F_RING_RESET)) && !(v & (1ull << VIRTIO_F_NOTIFY_ON_EMPTY)));
	CHECK(vu_xfer(VHOST_USER_GET_PROTOCOL_FEATURES, 0, NULL, 0, NULL, 0) == 0);
	CHECK(vu_reply(VHOST_USER_GET_PROTOCOL_FEATURES, &v, 8));
	CHECK(v & (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK));
	CHECK(vu_xfer(VHOST_USER_GET_QUEUE_NUM, 0, NULL, 0, NULL, 0) == 0);
	CHECK(vu_reply(VHOST_USER_GET_QUEUE_NUM, &v, 8) && v == 2);
	return true;
}

static bool t_vu_set_features(void)
{
	uint64_t f = PLAT_FEATURES | (1ull << VIRTIO_F_RING_RESET), a = 9;

	CHECK(vu_setup());
	CHECK(vu_xfer(VHOST_USER_SET_FEATURES, VHOST_USER_FLAG_NEED_REPLY, &f, 8, NULL, 0) == 0);
	CHECK(vu_reply(VHOST_USER_SET_FEATURES, &a, 8) && a == 0);
	CHECK(P.vu.features == PLAT_FEATURES);	/* tolerated bit ignored */
	CHECK(P.vu.vq[0].event_idx && P.vu.vq[1].indirect && P.p2a);
	f = 1ull << 45;				/* never offered */
	CHECK(vu_xfer(VHOST_USER_SET_FEATURES, VHOST_USER_FLAG_NEED_REPLY, &f, 8, NULL, 0) == 0);
	CHECK(vu_reply(VHOST_USER_SET_FEATURES, &a, 8) && a != 0);
	f = PLAT_FEATURES & ~(1ull << VIRTIO_SCMI_F_P2A_CHANNELS);
	CHECK(vu_xfer(VHOST_USER_SET_FEATURES, 0, &f, 8, NULL, 0) == 0);
	CHECK(!P.p2a && no_reply());
	return true;
}

/* --no-p2a: the bit is neither offered nor accepted, and P2A stays off */
static bool t_vu_no_p2a(void)
{
	uint64_t v = 0, f = PLAT_FEATURES, a = 0;

	CHECK(vu_setup());
	P.vu.offered &= ~(1ull << VIRTIO_SCMI_F_P2A_CHANNELS);
	CHECK(vu_xfer(VHOST_USER_GET_FEATURES, 0, NULL, 0, NULL, 0) == 0);
	CHECK(vu_reply(VHOST_USER_GET_FEATURES, &v, 8));
	CHECK(v == (PLAT_FEATURES & ~(1ull << VIRTIO_SCMI_F_P2A_CHANNELS)));
	CHECK(vu_xfer(VHOST_USER_SET_FEATURES, VHOST_USER_FLAG_NEED_REPLY, &f, 8, NULL, 0) == 0);
	CHECK(vu_reply(VHOST_USER_SET_FEATURES, &a, 8) && a != 0);
	f = v;
	CHECK(vu_xfer(VHOST_USER_SET_FEATURES, VHOST_USER_FLAG_NEED_REPLY, &f, 8, NULL, 0) == 0);
	CHECK(vu_reply(VHOST_USER_SET_FEATURES, &a, 8) && a == 0);
	CHECK(P.vu.features == v && !P.p2a);
	return true;
}

static int count_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

static int eventfd_like(void)
{
	int p[2];

	if (pipe(p) < 0)
		return -1;
	close(p[0]);
	return p[1];
}

static int make_memfd(size_t size)
{
	int fd = memfd_create("guest", 0);

	if (fd >= 0 && ftruncate(fd, size) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

struct mem_msg {
	uint32_t n, pad;
	struct { uint64_t gpa, size, uva, off; } r[2];
};

static bool t_vu_mem_table(void)
{
	struct mem_msg m = { 1, 0, { { 0x80000000ull, 0x10000, 0x5000000000ull, 0x1000 } } };
	int fd, before;
	uint64_t a = 7;
	uint8_t *p;
	char *w;

	CHECK(vu_setup());
	before = count_fds();
	fd = make_memfd(0x11000);
	CHECK(fd >= 0);
	w = mmap(NULL, 0x11000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(w != MAP_FAILED);
	strcpy(w + 0x1000 + 0x20, "guest data");
	CHECK(vu_xfer(VHOST_USER_SET_MEM_TABLE, VHOST_USER_FLAG_NEED_REPLY, &m, 8 + 32, &fd, 1)
	      == 0);
	CHECK(vu_reply(VHOST_USER_SET_MEM_TABLE, &a, 8) && a == 0);
	p = vmem_gpa(&P.vu.mem, 0x80000020ull, 11);
	CHECK(p && !strcmp((char *)p, "guest data"));
	CHECK(vmem_uva(&P.vu.mem, 0x5000000020ull, 11) == p);
	CHECK(!vmem_gpa(&P.vu.mem, 0x80010000ull - 4, 8));
	close(fd);
	munmap(w, 0x11000);
	CHECK(count_fds() == before);	/* the region fd was closed, mapping kept */
	vu_disconnect(&P.vu);
	CHECK(P.vu.mem.n == 0);
	return true;
}

static bool t_vu_mem_table_bad(void)
{
	struct mem_msg m = { 2, 0, { { 0x80000000ull, 0x10000, 0x5000000000ull, 0 } } };
	int fd, before;
	uint64_t a = 0;

	CHECK(vu_setup());
	before = count_fds();
	fd = make_memfd(0x10000);
	CHECK(fd >= 0);
	/* two regions announced, one fd sent */
	CHECK(vu_xfer(VHOST_USER_SET_MEM_TABLE, VHOST_USER_FLAG_NEED_REPLY, &m, 8 + 64, &fd, 1)
	      == 0);
	CHECK(vu_reply(VHOST_USER_SET_MEM_TABLE, &a, 8) && a != 0);
	CHECK(P.vu.mem.n == 0);
	/* wrapping range */
	m.n = 1;
	m.r[0].gpa = UINT64_MAX - 4;
	CHECK(vu_xfer(VHOST_USER_SET_MEM_TABLE, VHOST_USER_FLAG_NEED_REPLY, &m, 8 + 32, &fd, 1)
	      == 0);
	CHECK(vu_reply(VHOST_USER_SET_MEM_TABLE, &a, 8) && a != 0);
	close(fd);
	CHECK(count_fds() == before);		/* every received fd closed */
	return true;
}

static bool t_vu_unknown(void)
{
	uint64_t a = 0, x = 1;

	CHECK(vu_setup());
	CHECK(vu_xfer(77, VHOST_USER_FLAG_NEED_REPLY, &x, 8, NULL, 0) == 0);
	CHECK(vu_reply(77, &a, 8) && a != 0);
	CHECK(vu_xfer(78, 0, &x, 8, NULL, 0) == 0);
	CHECK(no_reply());
	CHECK(P.vu.unknown == 2);
	return true;
}

static bool t_vu_vring_setup(void)
{
	struct { uint32_t i, n; } st;
	struct { uint32_t i, f; uint64_t d, u, a, l; } va;
	struct mem_msg m = { 1, 0, { { GPA_BASE, 0x40000, 0x5000000000ull, 0 } } };
	int fd = make_memfd(0x40000), kick[2], call[2], before;
	uint64_t f = PLAT_FEATURES, a = 5, idx;

	uint16_t *g;

	CHECK(vu_setup() && fd >= 0);
	before = count_fds();
	CHECK(pipe(kick) == 0 && pipe(call) == 0);
	g = mmap(NULL, 0x40000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(g != MAP_FAILED);
	g[0x1000 / 2 + 1] = 5;			/* avail->idx matches the ring base */
	CHECK(vu_xfer(VHOST_USER_SET_FEATURES, 0, &f, 8, NULL, 0) == 0);
	CHECK(vu_xfer(VHOST_USER_SET_MEM_TABLE, 0, &m, 40, &fd, 1) == 0);
	st.i = 0;
	st.n = 100;			/* not a power of two */
	CHECK(vu_xfer(VHOST_USER_SET_VRING_NUM, VHOST_USER_FLAG_NEED_REPLY, &st, 8, NULL, 0) == 0);
	CHECK(vu_reply(VHOST_USER_SET_VRING_NUM, &a, 8) && a != 0);
	st.n = 16;
	CHECK(vu_xfer(VHOST_USER_SET_VRING_NUM, 0, &st, 8, NULL, 0) == 0);
	st.n = 5;
	CHECK(vu_xfer(VHOST_USER_SET_VRING_BASE, 0, &st, 8, NULL, 0) == 0);
	va = (typeof(va)){ 0, 0, 0x5000000000ull, 0x5000002000ull, 0x5000001000ull, 0 };
	CHECK(vu_xfer(VHOST_USER_SET_VRING_ADDR, 0, &va, sizeof(va), NULL, 0) == 0);
	idx = 0;
	CHECK(vu_xfer(VHOST_USER_SET_VRING_CALL, 0, &idx, 8, &call[1], 1) == 0);
	CHECK(vu_xfer(VHOST_USER_SET_VRING_KICK, 0, &idx, 8, &kick[0], 1) == 0);
	CHECK(P.vu.vq[0].started && !P.vu.vq[0].enabled);	/* PROTOCOL_FEATURES: disabled */
	st.n = 1;
	CHECK(vu_xfer(VHOST_USER_SET_VRING_ENABLE, 0, &st, 8, NULL, 0) == 0);
	CHECK(vq_ready(&P.vu.vq[0]) && P.vu.vq[0].last_avail == 5);
	idx = 7;				/* queue 7 does not exist */
	CHECK(vu_xfer(VHOST_USER_SET_VRING_KICK, VHOST_USER_FLAG_NEED_REPLY, &idx, 8, &kick[1], 1)
	      == 0);
	CHECK(vu_reply(VHOST_USER_SET_VRING_KICK, &a, 8) && a != 0);
	st.n = 0;
	CHECK(vu_xfer(VHOST_USER_GET_VRING_BASE, 0, &st, 8, NULL, 0) == 0);
	CHECK(vu_reply(VHOST_USER_GET_VRING_BASE, &st, 8) && st.i == 0 && st.n == 5);
	CHECK(!vq_ready(&P.vu.vq[0]) && P.vu.vq[0].kick_fd < 0);
	vu_disconnect(&P.vu);
	munmap(g, 0x40000);
	close(fd);
	close(kick[0]);
	close(kick[1]);
	close(call[0]);
	close(call[1]);
	CHECK(count_fds() == before - 2);	/* our socket end and the memfd */
	return true;
}

static bool t_vu_bad_messages(void)
{
	struct vu_hdr h = { VHOST_USER_GET_FEATURES, 2, 0 };	/* version 2 */
	uint8_t big[64] = { 0 };

	CHECK(vu_setup());
	CHECK(vu_send(peer, &h, NULL, NULL, 0) == 0);
	CHECK(vu_service(&P.vu) < 0);
	CHECK(vu_setup());
	h.flags = VHOST_USER_VERSION;
	h.size = VHOST_USER_MAX_PAYLOAD + 1;
	CHECK(write(peer, &h, sizeof(h)) == sizeof(h) && write(peer, big, sizeof(big)) > 0);
	CHECK(vu_service(&P.vu) < 0);
	CHECK(vu_setup());
	close(peer);
	peer = -1;
	CHECK(vu_service(&P.vu) < 0);		/* end of file */
	return true;
}

static bool t_vu_short_payload(void)
{
	uint32_t x = 1;
	uint64_t a = 0;

	CHECK(vu_setup());
	CHECK(vu_xfer(VHOST_USER_SET_VRING_NUM, VHOST_USER_FLAG_NEED_REPLY, &x, 4, NULL, 0) == 0);
	CHECK(vu_reply(VHOST_USER_SET_VRING_NUM, &a, 8) && a != 0);
	return true;
}

static bool t_vu_renegotiation_resets(void)
{
	unsigned int r0;

	CHECK(vu_setup());
	r0 = stub_resets(P.engine);
	CHECK(vu_xfer(VHOST_USER_SET_OWNER, 0, NULL, 0, NULL, 0) == 0);
	CHECK(vu_xfer(VHOST_USER_SET_OWNER, 0, NULL, 0, NULL, 0) == 0);
	CHECK(stub_resets(P.engine) >= r0 + 2);
	CHECK(vu_xfer(VHOST_USER_RESET_DEVICE, 0, NULL, 0, NULL, 0) == 0);
	CHECK(stub_resets(P.engine) >= r0 + 3);
	return true;
}

/* Random descriptor tables: never a crash, every segment inside memory. */
static bool t_vq_random_tables(void)
{
	uint64_t rng = 42, it;
	unsigned int i, good = 0, badc = 0;

	fake_mem();
	fake_queue(&Q, 0, true, true);
	for (it = 0; it < 20000; it++) {
		struct vring_desc *t = Q.desc;
		const char *w;
		bool hv;
		int r;

		for (i = 0; i < QNUM; i++) {
			uint64_t x = faults_rand(&rng), y = faults_rand(&rng);

			t[i].addr = (x & 1) ? GPA_BASE + (y % (MEM_SIZE + 64)) : y;
			if (x & 2)
				t[i].addr = GPA_BASE + 0x40000 + (y % 64) * 16;	/* plausible tables */
			t[i].len = (x >> 8) & 4 ? (uint32_t)(y >> 32) : (x >> 16) % 300;
			t[i].flags = (x >> 24) & 7;
			t[i].next = (x >> 32) % (QNUM + 2);
		}
		for (i = 0; i < 64; i++)
			((uint64_t *)host(GPA_BASE + 0x40000))[i] = faults_rand(&rng);
		make_avail(&Q, faults_rand(&rng) % (QNUM + 1));
		r = vq_pop(&Q, &vm, &C, &hv, &w);
		CHECK(r == VQ_CHAIN || r == VQ_BAD);
		if (r == VQ_CHAIN) {
			good++;
			for (i = 0; i < C.n_out; i++)
				CHECK(C.out[i].base >= mem &&
				      C.out[i].base + C.out[i].len <= mem + MEM_SIZE);
			for (i = 0; i < C.n_in; i++)
				CHECK(C.in[i].base >= mem &&
				      C.in[i].base + C.in[i].len <= mem + MEM_SIZE);
			vq_scatter(&C, mem, C.in_len < 4096 ? C.in_len : 4096);
		} else {
			badc++;
		}
		if (hv)
			vq_push(&Q, C.head, 0);
	}
	CHECK(good > 100 && badc > 100);
	return true;
}

/* Random vhost-user messages: never a crash, fds never leak. */
static bool t_vu_random_messages(void)
{
	uint64_t rng = 7;
	uint8_t payload[256], drain[4096];
	int before, it, efd;

	CHECK(vu_setup());
	before = count_fds();
	for (it = 0; it < 3000; it++) {
		uint64_t x = faults_rand(&rng);
		uint32_t req = x % 45, size = (x >> 8) % 80, flags = (x >> 16) & 0xc;
		unsigned int i;

		for (i = 0; i < sizeof(payload); i += 8) {
			uint64_t v = faults_rand(&rng);

			if ((v & 3) == 0)
				v &= 0x1ff;		/* small values: plausible indices */
			memcpy(payload + i, &v, 8);
		}
		efd = (x >> 24) & 1 ? eventfd_like() : -1;
		if (vu_xfer(req, flags, payload, size, efd >= 0 ? &efd : NULL, efd >= 0) < 0) {
			if (efd >= 0)
				close(efd);
			CHECK(vu_setup());
			before = count_fds();
			continue;
		}
		if (efd >= 0)
			close(efd);
		while (recv(peer, drain, sizeof(drain), MSG_DONTWAIT) > 0)
			;
	}
	vu_disconnect(&P.vu);
	CHECK(count_fds() <= before);
	return true;
}

/* ------------------------------------------------------------ device + faults */

/* A plat with both queues live on fake memory, no socket. */
static void dev_setup(void)
{
	char err[64];

	if (!P.engine)
		P.engine = scmi_engine_new(NULL, err, sizeof(err));
	plat_fini(&P);
	plat_init(&P, P.engine);
	scmi_engine_reset(P.engine);
	fake_mem();
	P.vu.mem = vm;
	fake_queue(&P.vu.vq[0], 0, true, true);
	fake_queue(&P.vu.vq[1], 1, true, true);
	P.vu.mem = vm;
}

static void dev_unshare(void)
{
	memset(&P.vu.mem, 0, sizeof(P.vu.mem));	/* fake memory is not ours to unmap */
}

static uint32_t hdr(uint8_t proto, uint8_t msg, uint16_t token)
{
	return msg | (uint32_t)proto << 10 | (uint32_t)token << 18;
}

/* Post a command with a 4-byte parameter; return the response buffer gpa. */
static uint64_t post_cmd(unsigned int slot, uint32_t h, uint32_t resp_len)
{
	uint32_t req[2] = { h, 0x11223344 };
	uint64_t rs;

	two_desc(&P.vu.vq[0], slot * 2, req, 8, resp_len, &rs);
	return rs;
}

static uint64_t post_evbuf(unsigned int slot, uint32_t len)
{
	struct vq *q = &P.vu.vq[1];
	uint64_t b = galloc(len);

	set_desc(q->desc, slot, b, len, VRING_DESC_F_WRITE, 0);
	make_avail(q, slot);
	return b;
}

static struct vring_used_elem *used(unsigned int qi, unsigned int i)
{
	return &P.vu.vq[qi].used->ring[i % QNUM];
}

static int ctl(const char *cmd)
{
	char line[256], *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int r;

	snprintf(line, sizeof(line), "%s", cmd);
	r = plat_ctl_line(&P, line, out);
	fclose(out);
	snprintf(why, sizeof(why), "%s", buf ? buf : "");
	free(buf);
	return r;
}

static uint32_t rd32(uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, host(gpa), 4);
	return v;
}

static bool t_dev_answer(void)
{
	uint64_t rs;

	dev_setup();
	rs = post_cmd(0, hdr(0x10, 0, 5), 64);
	plat_process(&P);
	CHECK(P.vu.vq[0].used->idx == 1);
	CHECK(used(0, 0)->id == 0 && used(0, 0)->len == 12);
	CHECK(rd32(rs) == hdr(0x10, 0, 5) && rd32(rs + 4) == 0 && rd32(rs + 8) == 0x11223344);
	CHECK(P.st.requests == 1 && P.st.responses == 1 && P.st.engine.n == 1 && P.st.chain.n == 1);
	dev_unshare();
	return true;
}

static bool t_dev_bad_chain_answered_empty(void)
{
	struct vq *q;

	dev_setup();
	q = &P.vu.vq[0];
	set_desc(q->desc, 0, GPA_BASE + MEM_SIZE * 4, 8, VRING_DESC_F_NEXT, 1);
	set_desc(q->desc, 1, galloc(8), 8, VRING_DESC_F_WRITE, 0);
	make_avail(q, 0);
	post_cmd(1, hdr(0x10, 0, 1), 64);
	plat_process(&P);
	CHECK(q->used->idx == 2 && used(0, 0)->id == 0 && used(0, 0)->len == 0);
	CHECK(used(0, 1)->id == 2 && used(0, 1)->len == 12);
	CHECK(P.st.bad_chains == 1 && P.st.responses == 1);
	dev_unshare();
	return true;
}

static bool t_dev_small_response_buffer(void)
{
	dev_setup();
	post_cmd(0, hdr(0x10, 0, 1), 4);	/* too small for header + status */
	plat_process(&P);
	CHECK(P.vu.vq[0].used->idx == 1 && used(0, 0)->len == 0);
	dev_unshare();
	return true;
}

static bool t_dev_delayed_waits_for_buffer(void)
{
	uint64_t b;

	dev_setup();
	stub_queue_p2a(P.engine, SCMI_P2A_DELAYED_RESPONSE, 9, 0);
	plat_process(&P);
	CHECK(P.vu.vq[1].used->idx == 0);		/* no buffer: nothing lost */
	CHECK(scmi_engine_p2a_pending(P.engine, SCMI_P2A_DELAYED_RESPONSE) == 1);
	b = post_evbuf(0, 64);
	plat_process_eventq(&P);
	CHECK(P.vu.vq[1].used->idx == 1 && used(1, 0)->len == 16);
	CHECK(((rd32(b) >> 8) & 3) == 2 && ((rd32(b) >> 18) & 0x3ff) == 9);
	CHECK(P.st.delayed_sent == 1);
	dev_unshare();
	return true;
}

static bool t_dev_eventq_readable_buffer(void)
{
	struct vq *q;

	dev_setup();
	q = &P.vu.vq[1];
	set_desc(q->desc, 0, galloc(16), 16, 0, 0);	/* device-readable: not allowed */
	make_avail(q, 0);
	stub_queue_p2a(P.engine, SCMI_P2A_NOTIFICATION, 0, 0);
	plat_process_eventq(&P);
	CHECK(q->used->idx == 1 && used(1, 0)->len == 0 && P.st.bad_eventq == 1);
	CHECK(scmi_engine_p2a_pending(P.engine, SCMI_P2A_NOTIFICATION) == 1);
	dev_unshare();
	return true;
}

static bool t_ctl_split(void)
{
	char line[] = "  fault \tdelay 100  count=2\r\n";
	char *argv[8];

	CHECK(plat_split(line, argv, 8) == 4);
	CHECK(!strcmp(argv[0], "fault") && !strcmp(argv[1], "delay") &&
	      !strcmp(argv[2], "100") && !strcmp(argv[3], "count=2"));
	strcpy(line, "a b c d e f g h i");
	CHECK(plat_split(line, argv, 4) == -1);
	return true;
}

static bool t_ctl_parse_errors(void)
{
	dev_setup();
	CHECK(ctl("") == PCTL_ERR);
	CHECK(ctl("fault") == PCTL_ERR);
	CHECK(ctl("fault nonsense") == PCTL_ERR);
	CHECK(ctl("fault delay") == PCTL_ERR);
	CHECK(ctl("fault delay abc") == PCTL_ERR);
	CHECK(ctl("fault truncate") == PCTL_ERR);
	CHECK(ctl("fault drop count=0") == PCTL_ERR);
	CHECK(ctl("fault drop count=-3") == PCTL_ERR);
	CHECK(ctl("fault drop proto=0x100") == PCTL_ERR);
	CHECK(ctl("fault token sideways") == PCTL_ERR);
	CHECK(ctl("fault delayed-orphan always") == PCTL_ERR);
	CHECK(ctl("fuzz 1") == PCTL_ERR);
	CHECK(ctl("fuzz 1 1.5") == PCTL_ERR);
	CHECK(ctl("fuzz x 0.5") == PCTL_ERR);
	CHECK(ctl("stats extra") == PCTL_ERR);		/* goes to the engine: unknown */
	CHECK(!strncmp(why + strlen(why) - 1, "\n", 1) && strstr(why, "ERR"));
	CHECK(P.faults.nrules == 0);
	CHECK(ctl("fault drop count=3 proto=0x14 msg=6") == PCTL_OK);
	CHECK(P.faults.nrules == 1 && P.faults.rules[0].count == 3 &&
	      P.faults.rules[0].proto == 0x14 && P.faults.rules[0].msg == 6);
	CHECK(ctl("fault list") == PCTL_OK && strstr(why, "drop"));
	CHECK(ctl("fault clear") == PCTL_OK && P.faults.nrules == 0);
	CHECK(ctl("exit") == PCTL_EXIT && ctl("restart") == PCTL_RESTART);
	CHECK(ctl("state") == PCTL_OK && strstr(why, "stub requests"));
	CHECK(ctl("engine state") == PCTL_OK && strstr(why, "OK\n"));
	dev_unshare();
	return true;
}

static bool t_ctl_stats(void)
{
	dev_setup();
	post_cmd(0, hdr(0x10, 0, 1), 64);
	plat_process(&P);
	CHECK(ctl("stats") == PCTL_OK);
	CHECK(strstr(why, "requests 1\n") && strstr(why, "responses 1\n"));
	CHECK(strstr(why, "engine_ns_p50 ") && strstr(why, "engine_ns_p99 ") &&
	      strstr(why, "chain_ns_p90 ") && strstr(why, "chain_ns_max "));
	CHECK(ctl("reset-stats") == PCTL_OK);
	CHECK(ctl("stats") == PCTL_OK && strstr(why, "requests 0\n") &&
	      strstr(why, "chain_ns_samples 0\n"));
	dev_unshare();
	return true;
}

static bool t_lat_percentiles(void)
{
	static struct lat l;
	unsigned int i;

	memset(&l, 0, sizeof(l));
	CHECK(lat_pct(&l, 50) == 0);
	for (i = 1; i <= 100; i++)
		lat_add(&l, i * 10);
	CHECK(lat_pct(&l, 50) == 500 && lat_pct(&l, 90) == 900 && lat_pct(&l, 99) == 990);
	CHECK(lat_pct(&l, 100) == 1000 && l.max == 1000);
	return true;
}

static bool t_fault_delay(void)
{
	uint64_t rs;

	dev_setup();
	CHECK(ctl("fault delay 30") == PCTL_OK);
	rs = post_cmd(0, hdr(0x14, 5, 3), 64);
	plat_process(&P);
	CHECK(P.vu.vq[0].used->idx == 0 && P.nheld == 1);
	CHECK(plat_next_deadline(&P) > now_ns());
	plat_timer(&P);
	CHECK(P.vu.vq[0].used->idx == 0);
	usleep(35000);
	plat_timer(&P);
	CHECK(P.vu.vq[0].used->idx == 1 && used(0, 0)->len == 12 && rd32(rs) == hdr(0x14, 5, 3));
	CHECK(P.faults.applied[FAULT_DELAY] == 1 && P.faults.nrules == 0);
	dev_unshare();
	return true;
}

static bool t_fault_drop(void)
{
	dev_setup();
	CHECK(ctl("fault drop") == PCTL_OK);
	post_cmd(0, hdr(0x14, 5, 3), 64);
	post_cmd(1, hdr(0x14, 5, 4), 64);
	plat_process(&P);
	plat_timer(&P);
	CHECK(P.vu.vq[0].used->idx == 1 && used(0, 0)->id == 2);	/* only the second */
	CHECK(P.faults.applied[FAULT_DROP] == 1);
	dev_unshare();
	return true;
}

static bool t_fault_reorder(void)
{
	dev_setup();
	CHECK(ctl("fault reorder") == PCTL_OK);
	post_cmd(0, hdr(0x14, 5, 3), 64);
	post_cmd(1, hdr(0x14, 5, 4), 64);
	plat_process(&P);
	CHECK(P.vu.vq[0].used->idx == 2);
	CHECK(used(0, 0)->id == 2 && used(0, 1)->id == 0);	/* second answered first */
	CHECK(P.faults.applied[FAULT_REORDER] == 1 && P.nheld == 0);
	dev_unshare();
	return true;
}

static bool t_fault_duplicate(void)
{
	uint64_t rs, eb;

	dev_setup();
	eb = post_evbuf(0, 64);
	CHECK(ctl("fault duplicate") == PCTL_OK);
	rs = post_cmd(0, hdr(0x14, 5, 3), 64);
	plat_process(&P);
	CHECK(P.vu.vq[0].used->idx == 1 && P.vu.vq[1].used->idx == 1);
	CHECK(used(1, 0)->len == 12 && !memcmp(host(eb), host(rs), 12));
	CHECK(P.faults.applied[FAULT_DUPLICATE] == 1 && P.st.p2a_injected == 1);
	dev_unshare();
	return true;
}

static bool t_fault_token(void)
{
	uint64_t r1, r2, r3;

	dev_setup();
	r1 = post_cmd(0, hdr(0x14, 5, 3), 64);
	plat_process(&P);
	CHECK(ctl("fault token") == PCTL_OK);
	r2 = post_cmd(1, hdr(0x14, 5, 4), 64);
	plat_process(&P);
	CHECK(ctl("fault token stale") == PCTL_OK);
	r3 = post_cmd(2, hdr(0x14, 5, 5), 64);
	plat_process(&P);
	CHECK(rd32(r1) == hdr(0x14, 5, 3));
	CHECK(rd32(r2) == hdr(0x14, 5, 4 ^ 0x200));
	CHECK(rd32(r3) == hdr(0x14, 5, 4));			/* the previous one's token */
	CHECK(P.faults.applied[FAULT_TOKEN] == 2);
	dev_unshare();
	return true;
}

static bool t_fault_header(void)
{
	uint64_t r1, r2;

	dev_setup();
	CHECK(ctl("fault header type") == PCTL_OK);
	r1 = post_cmd(0, hdr(0x14, 5, 3), 64);
	plat_process(&P);
	CHECK(((rd32(r1) >> 8) & 3) == 1 && (rd32(r1) & ~(3u << 8)) == hdr(0x14, 5, 3));
	CHECK(ctl("fault header") == PCTL_OK);
	r2 = post_cmd(1, hdr(0x14, 5, 3), 64);
	plat_process(&P);
	CHECK(((rd32(r2) >> 10) & 0xff) != 0x14 && (rd32(r2) & 0xff) != 5);
	CHECK(((rd32(r2) >> 18) & 0x3ff) == 3);		/* token kept */
	dev_unshare();
	return true;
}

static bool t_fault_truncate(void)
{
	dev_setup();
	CHECK(ctl("fault truncate 2") == PCTL_OK);
	post_cmd(0, hdr(0x14, 5, 3), 64);
	CHECK(ctl("fault truncate 6 proto=0x15") == PCTL_OK);
	post_cmd(1, hdr(0x15, 6, 4), 64);
	post_cmd(2, hdr(0x15, 6, 5), 64);
	plat_process(&P);
	CHECK(used(0, 0)->len == 2 && used(0, 1)->len == 6 && used(0, 2)->len == 12);
	CHECK(P.faults.applied[FAULT_TRUNCATE] == 2);
	dev_unshare();
	return true;
}

static bool t_fault_oversize(void)
{
	uint64_t rs;

	dev_setup();
	CHECK(ctl("fault oversize 100") == PCTL_OK);
	rs = post_cmd(0, hdr(0x14, 5, 3), 16);
	memset(host(rs + 16), 0x77, 16);		/* the next allocation */
	plat_process(&P);
	CHECK(used(0, 0)->len == 116);			/* 16-byte buffer + 100 */
	CHECK(rd32(rs) == hdr(0x14, 5, 3) && *(uint8_t *)host(rs + 16) == 0x77);
	dev_unshare();
	return true;
}

static bool t_fault_garbage(void)
{
	uint64_t rs;

	dev_setup();
	CHECK(ctl("fault garbage") == PCTL_OK);
	rs = post_cmd(0, hdr(0x14, 5, 3), 64);
	plat_process(&P);
	CHECK(used(0, 0)->len == 12);
	CHECK(rd32(rs) != hdr(0x14, 5, 3) || rd32(rs + 8) != 0x11223344);
	CHECK(P.faults.applied[FAULT_GARBAGE] == 1);
	dev_unshare();
	return true;
}

static bool t_fault_status(void)
{
	uint64_t r1, r2, r3;

	dev_setup();
	CHECK(ctl("fault status 3") != PCTL_OK);	/* not an error status */
	CHECK(ctl("fault status -11") != PCTL_OK);
	CHECK(ctl("fault status -5 proto=0x14") == PCTL_OK);
	r1 = post_cmd(0, hdr(0x15, 6, 3), 64);
	r2 = post_cmd(1, hdr(0x14, 5, 4), 64);
	plat_process(&P);
	CHECK(rd32(r1 + 4) == 0 && rd32(r1 + 8) == 0x11223344);
	/* header and payload kept, only the status replaced */
	CHECK(rd32(r2) == hdr(0x14, 5, 4) && rd32(r2 + 4) == (uint32_t)-5 &&
	      rd32(r2 + 8) == 0x11223344);
	CHECK(ctl("fault status") == PCTL_OK);		/* GENERIC_ERROR */
	r3 = post_cmd(2, hdr(0x14, 5, 5), 64);
	plat_process(&P);
	CHECK(rd32(r3 + 4) == (uint32_t)-8);
	CHECK(P.faults.applied[FAULT_STATUS] == 2);
	dev_unshare();
	return true;
}

static bool t_fault_stall(void)
{
	dev_setup();
	CHECK(ctl("fault stall") == PCTL_OK);
	post_cmd(0, hdr(0x14, 5, 3), 64);
	plat_process(&P);
	plat_timer(&P);
	CHECK(P.vu.vq[0].used->idx == 0 && P.st.requests == 0);
	CHECK(ctl("fault clear") == PCTL_OK);
	CHECK(P.vu.vq[0].used->idx == 1 && P.faults.applied[FAULT_STALL] == 1);
	dev_unshare();
	return true;
}

static bool t_fault_eventq_starve(void)
{
	dev_setup();
	post_evbuf(0, 64);
	CHECK(ctl("fault eventq-starve") == PCTL_OK);
	stub_queue_p2a(P.engine, SCMI_P2A_NOTIFICATION, 0, 0);
	plat_process(&P);
	plat_timer(&P);
	CHECK(P.vu.vq[1].used->idx == 0 && P.vu.vq[1].last_avail == 0);
	CHECK(ctl("fault clear") == PCTL_OK);
	CHECK(P.vu.vq[1].used->idx == 1 && P.st.notifications_sent == 1);
	dev_unshare();
	return true;
}

static bool t_fault_delayed_orphan(void)
{
	uint64_t b1, b2;

	dev_setup();
	b1 = post_evbuf(0, 64);
	b2 = post_evbuf(1, 64);
	CHECK(ctl("fault delayed-orphan count=2 token=77") == PCTL_OK);
	CHECK(P.vu.vq[1].used->idx == 2 && used(1, 0)->len == 20);
	CHECK(rd32(b1) == (0x5u | 2u << 8 | 0x14u << 10 | 77u << 18));
	CHECK(rd32(b2) == rd32(b1) && P.faults.applied[FAULT_DELAYED_ORPHAN] == 2);
	dev_unshare();
	return true;
}

static bool t_fault_notify_disabled(void)
{
	uint64_t b;

	dev_setup();
	CHECK(ctl("fault notify-disabled proto=0x15 msg=1") == PCTL_OK);
	CHECK(P.ninject == 1);				/* waits for a buffer */
	b = post_evbuf(0, 64);
	plat_process_eventq(&P);
	CHECK(P.vu.vq[1].used->idx == 1);
	CHECK(rd32(b) == (0x1u | 3u << 8 | 0x15u << 10));
	dev_unshare();
	return true;
}

static bool t_fault_filter_and_count(void)
{
	dev_setup();
	CHECK(ctl("fault truncate 1 count=2 proto=0x14 msg=6") == PCTL_OK);
	post_cmd(0, hdr(0x14, 5, 1), 64);	/* other message: untouched */
	post_cmd(1, hdr(0x14, 6, 2), 64);
	post_cmd(2, hdr(0x14, 6, 3), 64);
	post_cmd(3, hdr(0x14, 6, 4), 64);	/* count exhausted */
	plat_process(&P);
	CHECK(used(0, 0)->len == 12 && used(0, 1)->len == 1 && used(0, 2)->len == 1 &&
	      used(0, 3)->len == 12);
	CHECK(ctl("fault truncate 1 always") == PCTL_OK);
	post_cmd(4, hdr(0x10, 0, 5), 64);
	post_cmd(5, hdr(0x10, 0, 6), 64);
	plat_process(&P);
	CHECK(used(0, 4)->len == 1 && used(0, 5)->len == 1 && P.faults.nrules == 1);
	dev_unshare();
	return true;
}

static bool fuzz_run(uint64_t *mut, uint32_t *out, unsigned int n)
{
	unsigned int i;

	dev_setup();
	if (ctl("fuzz 1234 0.5") != PCTL_OK)
		return false;
	for (i = 0; i < n; i++) {
		uint64_t rs = post_cmd(i % 8, hdr(0x14, 5, i), 64);

		plat_process(&P);
		out[i] = rd32(rs) ^ used(0, i)->len << 24;
	}
	*mut = P.faults.fuzz_mutated;
	dev_unshare();
	return true;
}

static bool t_fuzz_deterministic(void)
{
	uint32_t a[64], b[64];
	uint64_t ma, mb;

	CHECK(fuzz_run(&ma, a, 64) && fuzz_run(&mb, b, 64));
	CHECK(ma == mb && ma > 10 && ma < 54);
	CHECK(!memcmp(a, b, sizeof(a)));
	dev_setup();
	CHECK(ctl("fuzz off") == PCTL_OK && !P.faults.fuzz_on);
	dev_unshare();
	return true;
}

static bool t_fuzz_bounds(void)
{
	struct faults f;
	uint8_t buf[SCMI_ENGINE_MAX_SDU];
	unsigned int i;

	faults_init(&f);
	f.fuzz_on = true;
	f.fuzz_rate = 1.0;
	f.fuzz_state = 99;
	for (i = 0; i < 20000; i++) {
		size_t len = i % 40, cap = 40;

		memset(buf, 0, sizeof(buf));
		CHECK(faults_fuzz(&f, buf, &len, cap));
		CHECK(len <= cap);
	}
	CHECK(f.fuzz_mutated == 20000);
	return true;
}

/* ------------------------------------------------ the daemon binary itself */

#define BIN "./scmi-platform"
static char tdir[64];

static pid_t spawn(char *const argv[], bool quiet)
{
	pid_t pid = fork();

	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);

		dup2(nul, 0);
		if (quiet) {
			dup2(nul, 1);
			dup2(nul, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static int wait_exit(pid_t pid, int timeout_ms)
{
	int st, i;

	for (i = 0; i < timeout_ms / 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static int run_bin(char *const argv[])
{
	return wait_exit(spawn(argv, true), 5000);
}

static bool wait_path(const char *path)
{
	struct stat sb;
	int i;

	for (i = 0; i < 500; i++) {
		if (!stat(path, &sb))
			return true;
		usleep(10000);
	}
	return false;
}

static int connect_path(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One control command over the socket; the reply (through OK/ERR) in why. */
static bool ctl_sock(const char *path, const char *cmd, bool *ok)
{
	int fd = connect_path(path);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return false;
	if (write(fd, cmd, strlen(cmd)) < 0 || write(fd, "\n", 1) < 0) {
		close(fd);
		return false;
	}
	why[0] = '\0';
	while (len < sizeof(why) - 1) {
		struct pollfd pf = { fd, POLLIN, 0 };
		char *last;

		if (poll(&pf, 1, 5000) <= 0)
			break;
		n = read(fd, why + len, sizeof(why) - 1 - len);
		if (n <= 0)
			break;
		len += n;
		why[len] = '\0';
		last = len >= 2 ? memrchr(why, '\n', len - 1) : NULL;
		last = last ? last + 1 : why;
		if (why[len - 1] == '\n' && (!strncmp(last, "OK\n", 3) || !strncmp(last, "ERR", 3))) {
			*ok = !strncmp(last, "OK\n", 3);
			close(fd);
			return true;
		}
	}
	close(fd);
	return false;
}

static bool get_features(int fd)
{
	struct vu_hdr h = { VHOST_USER_GET_FEATURES, VHOST_USER_VERSION, 0 };
	struct pollfd pf = { fd, POLLIN, 0 };
	uint64_t v = 0;

	if (write(fd, &h, sizeof(h)) != sizeof(h) || poll(&pf, 1, 5000) != 1)
		return false;
	return read(fd, &h, sizeof(h)) == sizeof(h) && h.size == 8 &&
	       read(fd, &v, 8) == 8 && v == PLAT_FEATURES;
}

static bool t_no_tmpdir(void)
{
	snprintf(why, sizeof(why), "mkdtemp failed");
	return false;
}

static bool t_cli_options(void)
{
	char *bad[] = { BIN, "--socket", "/tmp/x", "--frobnicate", NULL };
	char *none[] = { BIN, NULL };
	char *both[] = { BIN, "--socket", "/tmp/x", "--connect", "/tmp/y", NULL };
	char *extra[] = { BIN, "--socket", "/tmp/x", "stray", NULL };
	char *help[] = { BIN, "--help", NULL };
	char *ctl_nosock[] = { BIN, "ctl", "/nonexistent/ctl.sock", "stats", NULL };

	CHECK(run_bin(bad) == 2);
	CHECK(run_bin(none) == 2);
	CHECK(run_bin(both) == 2);
	CHECK(run_bin(extra) == 2);
	CHECK(run_bin(help) == 0);
	CHECK(run_bin(ctl_nosock) == 2);
	return true;
}

static bool t_cli_listen_reconnect(void)
{
	char vs[96], cs[96], pf[96];
	char *argv[] = { BIN, "--socket", vs, "--control", cs, "--pidfile", pf, "-q", NULL };
	char *c_ok[] = { BIN, "ctl", cs, "fault", "drop", NULL };
	char *c_err[] = { BIN, "ctl", cs, "fault", "bogus", NULL };
	pid_t pid;
	bool ok = false;
	int fd;

	snprintf(vs, sizeof(vs), "%s/vu.sock", tdir);
	snprintf(cs, sizeof(cs), "%s/ctl.sock", tdir);
	snprintf(pf, sizeof(pf), "%s/pid", tdir);
	pid = spawn(argv, true);
	CHECK(pid > 0 && wait_path(cs) && wait_path(pf));
	fd = connect_path(vs);
	CHECK(fd >= 0 && get_features(fd));
	close(fd);				/* front end gone */
	usleep(100000);
	fd = connect_path(vs);			/* the daemon waits for the next one */
	CHECK(fd >= 0 && get_features(fd));
	close(fd);
	CHECK(run_bin(c_ok) == 0 && run_bin(c_err) == 1);
	CHECK(ctl_sock(cs, "stats", &ok) && ok && strstr(why, "connections 2\n"));
	CHECK(ctl_sock(cs, "exit", &ok) && ok);
	CHECK(wait_exit(pid, 5000) == 0);
	CHECK(access(vs, F_OK) && access(cs, F_OK) && access(pf, F_OK));	/* cleaned up */
	return true;
}

static bool t_cli_connect_mode(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char ls[96], cs[96];
	char *argv[] = { BIN, "--connect", ls, "--control", cs, "-q", NULL };
	struct pollfd p;
	bool ok = false;
	int l, fd, i;
	pid_t pid;

	snprintf(ls, sizeof(ls), "%s/fe.sock", tdir);
	snprintf(cs, sizeof(cs), "%s/ctl2.sock", tdir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", ls);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	unlink(ls);
	CHECK(l >= 0 && bind(l, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(l, 2) == 0);
	pid = spawn(argv, true);
	CHECK(pid > 0);
	for (i = 0; i < 2; i++) {		/* first connection, then the reconnect */
		p = (struct pollfd){ l, POLLIN, 0 };
		CHECK(poll(&p, 1, 5000) == 1);
		fd = accept(l, NULL, NULL);
		CHECK(fd >= 0 && get_features(fd));
		close(fd);
	}
	CHECK(wait_path(cs) && ctl_sock(cs, "restart", &ok) && ok);
	p = (struct pollfd){ l, POLLIN, 0 };
	CHECK(poll(&p, 1, 5000) == 1);		/* restart: a third connection */
	fd = accept(l, NULL, NULL);
	CHECK(fd >= 0 && get_features(fd));
	CHECK(ctl_sock(cs, "stats", &ok) && ok && strstr(why, "connections 3\n"));
	kill(pid, SIGTERM);
	CHECK(wait_exit(pid, 5000) == 0);
	close(fd);
	close(l);
	unlink(ls);
	return true;
}

static bool t_cli_once(void)
{
	char vs[96];
	char *argv[] = { BIN, "--socket", vs, "--once", "-q", NULL };
	pid_t pid;
	int fd;

	snprintf(vs, sizeof(vs), "%s/once.sock", tdir);
	pid = spawn(argv, true);
	CHECK(pid > 0 && wait_path(vs));
	fd = connect_path(vs);
	CHECK(fd >= 0 && get_features(fd));
	close(fd);
	CHECK(wait_exit(pid, 5000) == 0);
	return true;
}

int main(void)
{
	plat_verbose = getenv("PLATFORM_TEST_LOG") ? 3 : -1;
	run("vq: empty ring", t_vq_empty);
	run("vq: request/response chain", t_vq_simple);
	run("vq: several readable then writable segments", t_vq_multi_segments);
	run("vq: indirect table", t_vq_indirect);
	run("vq: indirect without INDIRECT_DESC is malformed", t_vq_indirect_not_negotiated);
	run("vq: indirect inside indirect is malformed", t_vq_indirect_nested);
	run("vq: indirect with NEXT is malformed", t_vq_indirect_with_next);
	run("vq: indirect table length not a multiple of 16", t_vq_indirect_bad_len);
	run("vq: indirect table outside memory", t_vq_indirect_outside);
	run("vq: descriptor loop", t_vq_loop);
	run("vq: loop inside an indirect table", t_vq_indirect_loop);
	run("vq: readable after writable", t_vq_read_after_write);
	run("vq: buffers outside guest memory", t_vq_out_of_memory);
	run("vq: address/length overflow", t_vq_overflow);
	run("vq: head index out of range", t_vq_bad_head);
	run("vq: next index out of range", t_vq_bad_next);
	run("vq: chain longer than VQ_MAX_IOV", t_vq_too_long);
	run("vq: available index jump breaks the ring", t_vq_broken_index);
	run("vq: used ring push and index wrap", t_vq_push);
	run("vq: EVENT_IDX call suppression", t_vq_event_idx_call);
	run("vq: NO_INTERRUPT without EVENT_IDX", t_vq_no_interrupt_flag);
	run("vq: call fd signalled only when wanted", t_vq_call_fd);
	run("vq: kick suppression (avail_event / NO_NOTIFY)", t_vq_kick_suppression);
	run("vmem: bounds and ring mapping", t_vmem_bounds);
	run("vq: 20000 random descriptor tables", t_vq_random_tables);
	run("vu: GET_FEATURES / GET_PROTOCOL_FEATURES / GET_QUEUE_NUM", t_vu_get_features);
	run("vu: SET_FEATURES accepts, tolerates, rejects", t_vu_set_features);
	run("vu: --no-p2a offers and accepts no P2A_CHANNELS", t_vu_no_p2a);
	run("vu: SET_MEM_TABLE maps fds with offset", t_vu_mem_table);
	run("vu: SET_MEM_TABLE malformed is refused, fds closed", t_vu_mem_table_bad);
	run("vu: unknown requests answered with an error", t_vu_unknown);
	run("vu: vring setup, enable, GET_VRING_BASE stops", t_vu_vring_setup);
	run("vu: bad version, oversized payload, EOF", t_vu_bad_messages);
	run("vu: short payload refused", t_vu_short_payload);
	run("vu: SET_OWNER / RESET_DEVICE reset the engine", t_vu_renegotiation_resets);
	run("vu: 3000 random messages", t_vu_random_messages);
	run("dev: command answered, used length = bytes written", t_dev_answer);
	run("dev: malformed chain returned with length 0", t_dev_bad_chain_answered_empty);
	run("dev: response buffer below 8 bytes", t_dev_small_response_buffer);
	run("dev: delayed response waits for an eventq buffer", t_dev_delayed_waits_for_buffer);
	run("dev: device-readable eventq buffer refused", t_dev_eventq_readable_buffer);
	run("ctl: line splitting", t_ctl_split);
	run("ctl: command parsing and errors", t_ctl_parse_errors);
	run("ctl: stats and reset-stats", t_ctl_stats);
	run("stats: percentiles", t_lat_percentiles);
	run("fault: delay", t_fault_delay);
	run("fault: drop", t_fault_drop);
	run("fault: reorder", t_fault_reorder);
	run("fault: duplicate (copy on eventq)", t_fault_duplicate);
	run("fault: token unknown / stale", t_fault_token);
	run("fault: header", t_fault_header);
	run("fault: truncate", t_fault_truncate);
	run("fault: oversize", t_fault_oversize);
	run("fault: garbage", t_fault_garbage);
	run("fault: status", t_fault_status);
	run("fault: stall until clear", t_fault_stall);
	run("fault: eventq-starve until clear", t_fault_eventq_starve);
	run("fault: delayed-orphan", t_fault_delayed_orphan);
	run("fault: notify-disabled", t_fault_notify_disabled);
	run("fault: proto/msg filter, count, always", t_fault_filter_and_count);
	run("fuzz: deterministic from the seed", t_fuzz_deterministic);
	run("fuzz: lengths stay within the buffer", t_fuzz_bounds);
	snprintf(tdir, sizeof(tdir), "/tmp/platform-test.XXXXXX");
	if (mkdtemp(tdir)) {
		run("cli: bad options exit 2, --help 0, ctl without socket 2", t_cli_options);
		run("cli: listening daemon serves the next connection; ctl; exit", t_cli_listen_reconnect);
		run("cli: --connect reconnects, restart drops the connection", t_cli_connect_mode);
		run("cli: --once exits after the first connection", t_cli_once);
		rmdir(tdir);
	} else {
		run("cli: temporary directory", t_no_tmpdir);
	}

	if (P.engine) {
		dev_unshare();
		plat_fini(&P);
		scmi_engine_free(P.engine);
	}
	if (peer >= 0)
		close(peer);
	free(mem);
	printf("%d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
