// SPDX-License-Identifier: GPL-2.0
/*
 * plat.c - the SCMI device behind the vhost-user back end: command queue
 * service, event queue service, held (delayed/dropped/reordered) responses,
 * control commands and statistics.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform.h"

int plat_verbose = 1;
FILE *plat_logf;

/**
 * plat_log() - write one log line if @level is enabled
 * @level: 0 errors, 1 info, 2 debug, 3 trace
 * @fmt: printf format
 */
void plat_log(int level, const char *fmt, ...)
{
	FILE *out = plat_logf ? plat_logf : stderr;
	struct timespec ts;
	va_list ap;

	if (level > plat_verbose)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(out, "%lld.%03ld scmi-platform: ", (long long)ts.tv_sec, ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
}

/**
 * now_ns() - CLOCK_MONOTONIC in nanoseconds
 *
 * Return: the time.
 */
uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/**
 * lat_add() - record one service time
 * @l: series
 * @ns: duration
 */
void lat_add(struct lat *l, uint64_t ns)
{
	l->s[l->n % LAT_SAMPLES] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
	l->n++;
	if (ns > l->max)
		l->max = ns;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/**
 * lat_pct() - a percentile of the recent samples
 * @l: series
 * @pct: 0..100
 *
 * Return: the sample at that rank (nearest-rank), 0 when empty.
 */
uint64_t lat_pct(const struct lat *l, unsigned int pct)
{
	size_t n = l->n < LAT_SAMPLES ? l->n : LAT_SAMPLES, rank;
	uint32_t *tmp;
	uint64_t v;

	if (!n)
		return 0;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return 0;
	memcpy(tmp, l->s, n * sizeof(*tmp));
	qsort(tmp, n, sizeof(*tmp), cmp_u32);
	rank = (pct * n + 99) / 100;
	if (rank)
		rank--;
	if (rank >= n)
		rank = n - 1;
	v = tmp[rank];
	free(tmp);
	return v;
}

static struct plat *vu_plat(struct vu *vu)
{
	return vu->opaque;
}

/**
 * plat_drop_queues() - forget everything that refers to guest buffers
 * @p: device
 *
 * Held responses and taken eventq buffers die with the queues (a reset or
 * a new memory table makes their addresses meaningless).
 */
void plat_drop_queues(struct plat *p)
{
	unsigned int i;

	if (p->nheld)
		LOG_INFO("dropping %u held responses", p->nheld);
	p->st.dropped_held += p->nheld;
	for (i = 0; i < p->nheld; i++)
		free(p->held[i]);
	p->nheld = 0;
	for (i = 0; i < p->nevbufs; i++)
		free(p->evbufs[i]);
	p->nevbufs = 0;
}

static void cb_reset(struct vu *vu)
{
	struct plat *p = vu_plat(vu);

	/*
	 * Injected P2A messages (fault commands) are kept: a test may queue
	 * them before the guest boots, and they go out with the first eventq
	 * buffers of the next session.
	 */
	plat_drop_queues(p);
	if (p->engine)
		scmi_engine_reset(p->engine);
}

static void cb_features(struct vu *vu, uint64_t features)
{
	struct plat *p = vu_plat(vu);

	p->p2a = features & (1ull << VIRTIO_SCMI_F_P2A_CHANNELS);
	if (p->engine)
		scmi_engine_set_p2a(p->engine, p->p2a);
}

static void cb_queue_start(struct vu *vu, unsigned int idx)
{
	struct plat *p = vu_plat(vu);

	LOG_INFO("queue %u started (size %u, last_avail %u, used %u)", idx, vu->vq[idx].num,
		 vu->vq[idx].last_avail, vu->vq[idx].used_idx);
	/*
	 * A ring starts at the driver's DRIVER_OK (QEMU sends the ring and
	 * SET_VRING_ENABLE from the status write, and waits for the enable's
	 * acknowledgement before the write returns).  On a fresh ring (base
	 * and used index 0: a reset device, not a back-end reconnect, whose
	 * ring keeps the commands in flight) a command already available
	 * was made available, and notified, before DRIVER_OK: the driver
	 * broke the virtio rule "no notification before DRIVER_OK" (QEMU
	 * drops such a notification; a device that relies on notifications
	 * never answers the command).  Counted as cmdq_before_ready.
	 */
	if (idx == 0 && !vu->vq[0].last_avail && !vu->vq[0].used_idx && vq_has_avail(&vu->vq[0])) {
		p->st.cmdq_before_ready++;
		LOG_ERR("cmdq: commands available when the ring started (DRIVER_OK): sent before DRIVER_OK");
	}
	if (idx == 0)
		plat_process_cmdq(p);
	else
		plat_process_eventq(p);
}

static void cb_queue_stop(struct vu *vu, unsigned int idx)
{
	struct plat *p = vu_plat(vu);
	unsigned int i, k = 0;

	LOG_INFO("queue %u stopped", idx);
	if (idx == 0) {
		for (i = 0; i < p->nheld; i++)
			free(p->held[i]);
		p->st.dropped_held += p->nheld;
		p->nheld = 0;
	} else {
		for (i = 0; i < p->nevbufs; i++)
			free(p->evbufs[i]);
		p->nevbufs = 0;
	}
	(void)k;
}

static void cb_mem_changed(struct vu *vu)
{
	plat_drop_queues(vu_plat(vu));
}

static const struct vu_ops plat_vu_ops = {
	.reset = cb_reset,
	.features = cb_features,
	.queue_start = cb_queue_start,
	.queue_stop = cb_queue_stop,
	.mem_changed = cb_mem_changed,
};

/**
 * plat_init() - a device with no connection
 * @p: device
 * @e: engine (owned by the caller)
 */
void plat_init(struct plat *p, struct scmi_engine *e)
{
	memset(p, 0, sizeof(*p));
	vu_init(&p->vu, &plat_vu_ops, p);
	p->engine = e;
	p->p2a = true;
	faults_init(&p->faults);
}

/**
 * plat_fini() - drop the connection and all queued state
 * @p: device
 */
void plat_fini(struct plat *p)
{
	unsigned int i;

	vu_disconnect(&p->vu);
	cb_reset(&p->vu);
	for (i = 0; i < p->ninject; i++)
		free(p->inject[i]);
	p->ninject = 0;
}

/* Deliver one response into its chain and return the chain. */
static void deliver(struct plat *p, const struct vq_chain *c, const uint8_t *resp, size_t len,
		    uint32_t report_len)
{
	struct vq *q = &p->vu.vq[0];
	size_t written = vq_scatter(c, resp, len);

	if (report_len == (uint32_t)len && written < len)
		report_len = written;
	if (report_len > written && report_len <= c->in_len)
		report_len = written;	/* only oversize reports more than written */
	vq_push(q, c->head, report_len);
	p->st.responses++;
	if (!written)
		p->st.responses_empty++;
	LOG_TRACE("cmdq: head %u answered, %zu bytes written, used len %u", c->head, written,
		  report_len);
}

static bool queue_inject(struct plat *p, const uint8_t *buf, size_t len)
{
	struct inject *in;

	if (p->ninject >= PLAT_MAX_INJECT) {
		LOG_ERR("injected P2A queue full; message dropped");
		return false;
	}
	in = malloc(sizeof(*in));
	if (!in)
		return false;
	in->len = len;
	memcpy(in->buf, buf, len);
	p->inject[p->ninject++] = in;
	return true;
}

static struct held *hold(struct plat *p, const struct vq_chain *c, const uint8_t *resp,
			 size_t len, uint32_t report_len, uint64_t due, bool reorder)
{
	struct held *h;

	if (p->nheld >= PLAT_MAX_HELD) {
		LOG_ERR("too many held responses; answering now");
		return NULL;
	}
	h = malloc(sizeof(*h));
	if (!h)
		return NULL;
	h->chain = *c;
	memcpy(h->resp, resp, len);
	h->len = len;
	h->report_len = report_len;
	h->due = due;
	h->reorder = reorder;
	p->held[p->nheld++] = h;
	return h;
}

static void release_held(struct plat *p, unsigned int i)
{
	struct held *h = p->held[i];

	deliver(p, &h->chain, h->resp, h->len, h->report_len);
	free(h);
	memmove(&p->held[i], &p->held[i + 1], (p->nheld - i - 1) * sizeof(p->held[0]));
	p->nheld--;
}

/* After a normal response went out, the reordered ones follow it. */
static void release_reordered(struct plat *p)
{
	unsigned int i = 0;

	while (i < p->nheld) {
		if (p->held[i]->reorder)
			release_held(p, i);
		else
			i++;
	}
}

static void handle_chain(struct plat *p, const struct vq_chain *c, uint64_t t0)
{
	static uint8_t req[SCMI_ENGINE_MAX_SDU];
	static uint8_t resp[SCMI_ENGINE_MAX_SDU];
	size_t req_len, resp_len, cap;
	struct fault_result fr;
	uint64_t t1, t2;

	p->st.requests++;
	req_len = vq_gather(c, req, sizeof(req));
	if (c->out_len > sizeof(req))
		LOG_ERR("cmdq: request of %llu bytes cut to %zu", (unsigned long long)c->out_len,
			sizeof(req));
	cap = c->in_len < sizeof(resp) ? c->in_len : sizeof(resp);
	t1 = now_ns();
	resp_len = scmi_engine_handle(p->engine, req, req_len, resp, cap, t1);
	t2 = now_ns();
	lat_add(&p->st.engine, t2 - t1);
	if (!resp_len) {
		LOG_DBG("cmdq: head %u: no answer possible (request %zu bytes, room %zu)", c->head,
			req_len, cap);
		deliver(p, c, resp, 0, 0);
		lat_add(&p->st.chain, now_ns() - t0);
		return;
	}
	faults_apply(&p->faults, resp, &resp_len, c->in_len, &fr);
	switch (fr.action) {
	case FA_NOW:
		deliver(p, c, resp, resp_len, fr.report_len);
		release_reordered(p);
		break;
	case FA_DELAY:
		if (!hold(p, c, resp, resp_len, fr.report_len, t2 + fr.delay_ns, false))
			deliver(p, c, resp, resp_len, fr.report_len);
		break;
	case FA_DROP:
		/* the chain is never returned: a platform that lost the message */
		LOG_DBG("cmdq: head %u dropped by fault", c->head);
		break;
	case FA_REORDER:
		if (!hold(p, c, resp, resp_len, fr.report_len, t2 + fr.delay_ns, true))
			deliver(p, c, resp, resp_len, fr.report_len);
		break;
	}
	if (fr.duplicate)
		queue_inject(p, resp, resp_len);
	lat_add(&p->st.chain, now_ns() - t0);
}

/**
 * plat_process_cmdq() - answer every available command
 * @p: device
 */
void plat_process_cmdq(struct plat *p)
{
	struct vq *q = &p->vu.vq[0];
	static struct vq_chain c;

	if (!vq_ready(q) || p->faults.stall || !p->engine)
		goto out;
	for (;;) {
		bool head_valid;
		const char *why = NULL;
		int r;

		vq_set_kick_notify(q, false);
		for (;;) {
			uint64_t t0 = now_ns();

			r = vq_pop(q, &p->vu.mem, &c, &head_valid, &why);
			if (r == VQ_EMPTY)
				break;
			if (r == VQ_BROKEN) {
				LOG_ERR("cmdq: %s; queue stopped until restarted", why);
				p->st.bad_chains++;
				goto out;
			}
			if (r == VQ_BAD) {
				p->st.bad_chains++;
				LOG_ERR("cmdq: bad chain at head %u: %s", c.head, why);
				if (head_valid)
					vq_push(q, c.head, 0);
				continue;
			}
			handle_chain(p, &c, t0);
			if (p->faults.stall)
				break;
		}
		vq_set_kick_notify(q, true);
		if (p->faults.stall || !vq_has_avail(q))
			break;
	}
out:
	if (q->desc && q->started)
		vq_notify(q);
	if (p->ninject)
		plat_process_eventq(p);
}

/* Take one eventq buffer; false when none (or only malformed ones). */
static bool take_evbuf(struct plat *p)
{
	struct vq *q = &p->vu.vq[1];
	struct vq_chain *c;
	bool head_valid;
	const char *why;
	int r;

	if (p->nevbufs >= PLAT_MAX_EVBUFS)
		return false;
	c = malloc(sizeof(*c));
	if (!c)
		return false;
	for (;;) {
		r = vq_pop(q, &p->vu.mem, c, &head_valid, &why);
		if (r == VQ_CHAIN && c->n_out == 0 && c->in_len >= 4) {
			p->evbufs[p->nevbufs++] = c;
			return true;
		}
		if (r == VQ_EMPTY || r == VQ_BROKEN) {
			if (r == VQ_BROKEN) {
				p->st.bad_eventq++;
				LOG_ERR("eventq: %s; queue stopped until restarted", why);
			}
			free(c);
			return false;
		}
		p->st.bad_eventq++;
		LOG_ERR("eventq: bad buffer at head %u: %s", c->head,
			r == VQ_BAD ? why : c->n_out ? "device-readable part" : "too small");
		if (head_valid)
			vq_push(q, c->head, 0);
	}
}

/**
 * plat_process_eventq() - send what P2A messages there are buffers for
 * @p: device
 */
void plat_process_eventq(struct plat *p)
{
	struct vq *q = &p->vu.vq[1];
	static uint8_t msg[SCMI_ENGINE_MAX_SDU];

	if (!vq_ready(q) || p->faults.starve || !p->engine)
		goto out;
	for (;;) {
		enum scmi_p2a_kind kind = SCMI_P2A_NOTIFICATION;
		struct vq_chain *c;
		size_t len, written;

		if (!p->nevbufs) {
			vq_set_kick_notify(q, false);
			if (!take_evbuf(p)) {
				vq_set_kick_notify(q, true);
				if (!vq_has_avail(q) || !take_evbuf(p))
					break;
			}
		}
		c = p->evbufs[0];
		if (p->ninject) {
			struct inject *in = p->inject[0];

			len = in->len;
			memcpy(msg, in->buf, len);
			free(in);
			memmove(&p->inject[0], &p->inject[1], (p->ninject - 1) * sizeof(p->inject[0]));
			p->ninject--;
			p->st.p2a_injected++;
		} else {
			len = scmi_engine_pop_p2a(p->engine, now_ns(), msg, sizeof(msg), &kind);
			if (!len)
				break;
			if (kind == SCMI_P2A_DELAYED_RESPONSE)
				p->st.delayed_sent++;
			else
				p->st.notifications_sent++;
		}
		if (p->faults.fuzz_on)
			faults_fuzz(&p->faults, msg, &len, c->in_len < sizeof(msg) ? c->in_len :
				    sizeof(msg));
		written = vq_scatter(c, msg, len);
		if (written < len) {
			p->st.p2a_truncated++;
			LOG_ERR("eventq: %zu-byte message cut to the %zu-byte buffer", len, written);
		}
		vq_push(q, c->head, written);
		free(c);
		memmove(&p->evbufs[0], &p->evbufs[1], (p->nevbufs - 1) * sizeof(p->evbufs[0]));
		p->nevbufs--;
	}
out:
	if (q->desc && q->started)
		vq_notify(q);
}

/**
 * plat_process() - service both queues
 * @p: device
 */
void plat_process(struct plat *p)
{
	plat_process_cmdq(p);
	plat_process_eventq(p);
}

/**
 * plat_timer() - deliver held responses that are due, and due P2A messages
 * @p: device
 */
void plat_timer(struct plat *p)
{
	uint64_t t = now_ns();
	unsigned int i = 0;
	bool any = false;

	if (vq_ready(&p->vu.vq[0])) {
		while (i < p->nheld) {
			if (p->held[i]->due <= t) {
				release_held(p, i);
				any = true;
			} else {
				i++;
			}
		}
		if (any)
			vq_notify(&p->vu.vq[0]);
	}
	plat_process_eventq(p);
}

/**
 * plat_next_deadline() - when plat_timer() has something to do
 * @p: device
 *
 * Return: CLOCK_MONOTONIC ns, UINT64_MAX when nothing is pending.  P2A
 * deadlines count only while an eventq buffer could take them.
 */
uint64_t plat_next_deadline(const struct plat *p)
{
	uint64_t d = UINT64_MAX, e;
	unsigned int i;

	for (i = 0; i < p->nheld; i++)
		if (p->held[i]->due < d)
			d = p->held[i]->due;
	if (p->engine && vq_ready(&p->vu.vq[1]) && !p->faults.starve) {
		e = scmi_engine_next_deadline(p->engine);
		if (e != UINT64_MAX && !p->nevbufs && !vq_has_avail(&p->vu.vq[1])) {
			/* nothing to write into: the eventq kick will wake us */
			e = UINT64_MAX;
		}
		if (e < d)
			d = e;
	}
	return d;
}

/* ------------------------------------------------------------- control */

/**
 * plat_split() - split a line into words in place
 * @line: text (modified)
 * @argv: word pointers
 * @max: room in @argv
 *
 * Return: number of words, or -1 when there are more than @max.
 */
int plat_split(char *line, char **argv, int max)
{
	int n = 0;
	char *s = line;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			*s++ = '\0';
		if (!*s)
			break;
		if (n >= max)
			return -1;
		argv[n++] = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			s++;
	}
	return n;
}

static void print_stats(struct plat *p, FILE *out)
{
	const struct plat_stats *s = &p->st;
	uint64_t faults = 0;
	int k;

	for (k = 0; k < FAULT_NKINDS; k++)
		faults += p->faults.applied[k];
	fprintf(out, "connections %" PRIu64 "\n", s->connections);
	fprintf(out, "connected %d\n", p->vu.fd >= 0);
	fprintf(out, "features 0x%" PRIx64 "\n", p->vu.features);
	fprintf(out, "protocol_features 0x%" PRIx64 "\n", p->vu.protocol_features);
	fprintf(out, "features_last 0x%" PRIx64 "\n", p->vu.last_features);
	fprintf(out, "protocol_features_last 0x%" PRIx64 "\n", p->vu.last_protocol_features);
	fprintf(out, "vhost_user_messages %" PRIu64 "\n", p->vu.msgs);
	fprintf(out, "vhost_user_unknown %" PRIu64 "\n", p->vu.unknown);
	fprintf(out, "requests %" PRIu64 "\n", s->requests);
	fprintf(out, "responses %" PRIu64 "\n", s->responses);
	fprintf(out, "responses_empty %" PRIu64 "\n", s->responses_empty);
	fprintf(out, "held %u\n", p->nheld);
	fprintf(out, "held_dropped %" PRIu64 "\n", s->dropped_held);
	fprintf(out, "cmdq_before_ready %" PRIu64 "\n", s->cmdq_before_ready);
	fprintf(out, "notifications_sent %" PRIu64 "\n", s->notifications_sent);
	fprintf(out, "notifications_dropped %" PRIu64 "\n",
		p->engine ? scmi_engine_notifications_dropped(p->engine) : 0);
	fprintf(out, "delayed_sent %" PRIu64 "\n", s->delayed_sent);
	fprintf(out, "p2a_injected %" PRIu64 "\n", s->p2a_injected);
	fprintf(out, "p2a_truncated %" PRIu64 "\n", s->p2a_truncated);
	fprintf(out, "p2a_pending_delayed %zu\n", p->engine ?
		scmi_engine_p2a_pending(p->engine, SCMI_P2A_DELAYED_RESPONSE) : 0);
	fprintf(out, "p2a_pending_notifications %zu\n", p->engine ?
		scmi_engine_p2a_pending(p->engine, SCMI_P2A_NOTIFICATION) : 0);
	fprintf(out, "p2a_pending_injected %u\n", p->ninject);
	fprintf(out, "eventq_buffers_held %u\n", p->nevbufs);
	fprintf(out, "bad_chains %" PRIu64 "\n", s->bad_chains);
	fprintf(out, "bad_eventq_buffers %" PRIu64 "\n", s->bad_eventq);
	fprintf(out, "cmdq_irq_sent %" PRIu64 "\n",
		p->vu.irq_sent_total[0] + p->vu.vq[0].irq_sent);
	fprintf(out, "cmdq_irq_suppressed %" PRIu64 "\n",
		p->vu.irq_suppressed_total[0] + p->vu.vq[0].irq_suppressed);
	fprintf(out, "eventq_irq_sent %" PRIu64 "\n",
		p->vu.irq_sent_total[1] + p->vu.vq[1].irq_sent);
	fprintf(out, "eventq_irq_suppressed %" PRIu64 "\n",
		p->vu.irq_suppressed_total[1] + p->vu.vq[1].irq_suppressed);
	fprintf(out, "faults_applied %" PRIu64 "\n", faults);
	for (k = 0; k < FAULT_NKINDS; k++)
		fprintf(out, "fault_%s %" PRIu64 "\n", fault_names[k], p->faults.applied[k]);
	fprintf(out, "fault_stall_active %d\n", p->faults.stall);
	fprintf(out, "fault_eventq_starve_active %d\n", p->faults.starve);
	fprintf(out, "faults_armed %u\n", p->faults.nrules);
	fprintf(out, "fuzz %s\n", p->faults.fuzz_on ? "on" : "off");
	fprintf(out, "fuzz_mutated %" PRIu64 "\n", p->faults.fuzz_mutated);
	fprintf(out, "engine_ns_samples %" PRIu64 "\n", s->engine.n);
	fprintf(out, "engine_ns_p50 %" PRIu64 "\n", lat_pct(&s->engine, 50));
	fprintf(out, "engine_ns_p90 %" PRIu64 "\n", lat_pct(&s->engine, 90));
	fprintf(out, "engine_ns_p99 %" PRIu64 "\n", lat_pct(&s->engine, 99));
	fprintf(out, "engine_ns_max %" PRIu64 "\n", s->engine.max);
	fprintf(out, "chain_ns_samples %" PRIu64 "\n", s->chain.n);
	fprintf(out, "chain_ns_p50 %" PRIu64 "\n", lat_pct(&s->chain, 50));
	fprintf(out, "chain_ns_p90 %" PRIu64 "\n", lat_pct(&s->chain, 90));
	fprintf(out, "chain_ns_p99 %" PRIu64 "\n", lat_pct(&s->chain, 99));
	fprintf(out, "chain_ns_max %" PRIu64 "\n", s->chain.max);
}

static void list_faults(struct plat *p, FILE *out)
{
	unsigned int i;

	for (i = 0; i < p->faults.nrules; i++) {
		const struct fault_rule *r = &p->faults.rules[i];

		fprintf(out, "%s arg=%" PRIu64 " mode=%d count=%ld proto=%d msg=%d\n",
			fault_names[r->kind], r->arg, r->mode, r->count, r->proto, r->msg);
	}
	if (p->faults.stall)
		fprintf(out, "stall\n");
	if (p->faults.starve)
		fprintf(out, "eventq-starve\n");
}

static int ctl_fault(struct plat *p, int argc, char **argv, FILE *out)
{
	struct fault_rule imm;
	char err[160];
	bool was_stall = p->faults.stall, was_starve = p->faults.starve;
	int r;
	long k;

	if (argc == 1 && !strcmp(argv[0], "list")) {
		list_faults(p, out);
		return PCTL_OK;
	}
	r = faults_parse(&p->faults, argc, argv, err, sizeof(err), &imm);
	if (r < 0) {
		fprintf(out, "ERR %s\n", err);
		return PCTL_ERR;
	}
	if (r == 1) {
		for (k = 0; k < imm.count; k++) {
			uint8_t buf[32];
			uint32_t tok = (p->faults.last_token ^ 0x200) & 0x3ff;
			size_t n = faults_make_p2a(&imm, tok, buf, sizeof(buf));

			if (!queue_inject(p, buf, n))
				break;
			p->faults.applied[imm.kind]++;
		}
		plat_process_eventq(p);
	}
	if (was_stall && !p->faults.stall)
		plat_process_cmdq(p);
	if (was_starve && !p->faults.starve)
		plat_process_eventq(p);
	return PCTL_OK;
}

static int ctl_fuzz(struct plat *p, int argc, char **argv, FILE *out)
{
	char *end;
	double rate;
	uint64_t seed;

	if (argc == 1 && !strcmp(argv[0], "off")) {
		p->faults.fuzz_on = false;
		return PCTL_OK;
	}
	if (argc != 2) {
		fprintf(out, "ERR usage: fuzz SEED RATE | fuzz off\n");
		return PCTL_ERR;
	}
	seed = strtoull(argv[0], &end, 0);
	if (*end || !*argv[0]) {
		fprintf(out, "ERR bad seed '%s'\n", argv[0]);
		return PCTL_ERR;
	}
	rate = strtod(argv[1], &end);
	if (*end || !*argv[1] || !(rate >= 0.0 && rate <= 1.0)) {
		fprintf(out, "ERR rate must be between 0 and 1\n");
		return PCTL_ERR;
	}
	p->faults.fuzz_on = true;
	p->faults.fuzz_seed = seed;
	p->faults.fuzz_state = seed;
	p->faults.fuzz_rate = rate;
	return PCTL_OK;
}

/**
 * plat_ctl_line() - run one control command
 * @p: device
 * @line: the command (modified)
 * @out: reply text; the final "OK" / "ERR reason" line is written here too
 *
 * Return: a PCTL_* value (PCTL_EXIT / PCTL_RESTART ask the main loop to act).
 */
int plat_ctl_line(struct plat *p, char *line, FILE *out)
{
	char *argv[64];
	int argc = plat_split(line, argv, 64), r, k;

	if (argc < 0) {
		fprintf(out, "ERR too many words\n");
		return PCTL_ERR;
	}
	if (argc == 0) {
		fprintf(out, "ERR empty command\n");
		return PCTL_ERR;
	}
	if (!strcmp(argv[0], "stats") && argc == 1) {
		print_stats(p, out);
		r = PCTL_OK;
	} else if (!strcmp(argv[0], "reset-stats") && argc == 1) {
		struct lat *e = &p->st.engine, *c = &p->st.chain;
		uint64_t conns = p->st.connections;

		memset(&p->st, 0, offsetof(struct plat_stats, engine));
		p->st.connections = conns;
		e->n = 0;
		e->max = 0;
		c->n = 0;
		c->max = 0;
		memset(p->faults.applied, 0, sizeof(p->faults.applied));
		p->faults.fuzz_mutated = 0;
		for (k = 0; k < PLAT_NUM_QUEUES; k++) {
			p->vu.vq[k].irq_sent = p->vu.vq[k].irq_suppressed = 0;
			p->vu.irq_sent_total[k] = p->vu.irq_suppressed_total[k] = 0;
		}
		r = PCTL_OK;
	} else if (!strcmp(argv[0], "fault")) {
		r = ctl_fault(p, argc - 1, argv + 1, out);
		if (r == PCTL_ERR)
			return r;
	} else if (!strcmp(argv[0], "fuzz")) {
		r = ctl_fuzz(p, argc - 1, argv + 1, out);
		if (r == PCTL_ERR)
			return r;
	} else if (!strcmp(argv[0], "exit") && argc == 1) {
		r = PCTL_EXIT;
	} else if (!strcmp(argv[0], "restart") && argc == 1) {
		r = PCTL_RESTART;
	} else if (!strcmp(argv[0], "help") && argc == 1) {
		fprintf(out, "daemon: stats reset-stats fault fuzz exit restart help "
			"engine <engine command>\nother commands go to the engine\n");
		r = PCTL_OK;
	} else {
		char *buf = NULL;
		size_t len = 0;
		FILE *mem;
		int off = !strcmp(argv[0], "engine") && argc > 1;

		if (!p->engine) {
			fprintf(out, "ERR no engine\n");
			return PCTL_ERR;
		}
		mem = open_memstream(&buf, &len);
		if (!mem) {
			fprintf(out, "ERR out of memory\n");
			return PCTL_ERR;
		}
		r = scmi_engine_ctl(p->engine, argc - off, argv + off, mem, now_ns());
		fclose(mem);
		if (r < 0) {
			char *nl;

			/* the engine wrote its reason; make it the ERR line */
			while (len && buf[len - 1] == '\n')
				buf[--len] = '\0';
			nl = strrchr(buf, '\n');
			if (nl) {
				fwrite(buf, 1, nl - buf + 1, out);
				fprintf(out, "ERR %s\n", nl + 1);
			} else {
				fprintf(out, "ERR %s\n", len ? buf : "engine refused the command");
			}
			free(buf);
			/* the engine may have queued something even so */
			plat_process_eventq(p);
			return PCTL_ERR;
		}
		if (len) {
			fwrite(buf, 1, len, out);
			if (buf[len - 1] != '\n')
				fputc('\n', out);
		}
		free(buf);
		plat_process_eventq(p);
		r = PCTL_OK;
	}
	fprintf(out, "OK\n");
	return r;
}
