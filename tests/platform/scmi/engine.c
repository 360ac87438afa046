// SPDX-License-Identifier: GPL-2.0
/*
 * engine.c - the SCMI platform engine: request framing, P2A queues, timers,
 * control commands.  Protocol semantics live in proto.c, resource sets in
 * config.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define MSG_TYPE_CMD		0
#define MSG_TYPE_DRESP		2
#define MSG_TYPE_NOTIF		3

/**
 * se_slog_add() - record one state change in the state log
 * @e: engine
 * @proto: protocol of the resource
 * @id: resource id
 * @what: the property that changed (a string constant)
 * @from: value before
 * @to: value after
 * @agent: 0 (platform: a control command), 1 (OSPM: a command) or
 *	SE_SLOG_AGENT_RESET
 * @now: CLOCK_MONOTONIC ns
 *
 * The log is a ring: the oldest entry goes when it is full (counted).
 */
void se_slog_add(struct scmi_engine *e, uint8_t proto, int id,
		 const char *what, uint64_t from, uint64_t to, uint32_t agent,
		 uint64_t now)
{
	struct se_slog *l;

	if (!e->slog)
		return;
	if (e->slog_count == SE_SLOG_CAP) {
		e->slog_head = (e->slog_head + 1) % SE_SLOG_CAP;
		e->slog_count--;
		e->slog_dropped++;
	}
	l = &e->slog[(e->slog_head + e->slog_count) % SE_SLOG_CAP];
	l->t = now;
	l->proto = proto;
	l->id = id;
	l->what = what;
	l->from = from;
	l->to = to;
	l->agent = agent;
	e->slog_count++;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A device reset puts the configured state back: log what that changes. */
static void slog_reset(struct scmi_engine *e)
{
	const struct se_resources *r = &e->r, *c = &e->cfg;
	uint64_t now = mono_ns();
	int i;

	for (i = 0; i < r->npwr; i++)
		if (r->pwr[i].state != c->pwr[i].state)
			se_slog_add(e, P_POWER, i, "state", r->pwr[i].state,
				    c->pwr[i].state, SE_SLOG_AGENT_RESET, now);
	for (i = 0; i < r->nclk; i++) {
		if (r->clk[i].enabled != c->clk[i].enabled)
			se_slog_add(e, P_CLOCK, i, "enabled", r->clk[i].enabled,
				    c->clk[i].enabled, SE_SLOG_AGENT_RESET, now);
		if (r->clk[i].rate != c->clk[i].rate)
			se_slog_add(e, P_CLOCK, i, "rate", r->clk[i].rate,
				    c->clk[i].rate, SE_SLOG_AGENT_RESET, now);
	}
	for (i = 0; i < r->nrst; i++)
		if (r->rst[i].asserted != c->rst[i].asserted)
			se_slog_add(e, P_RESET, i, "asserted",
				    r->rst[i].asserted, c->rst[i].asserted,
				    SE_SLOG_AGENT_RESET, now);
	for (i = 0; i < r->nperf; i++)
		if (r->perf[i].level != c->perf[i].level)
			se_slog_add(e, P_PERF, i, "level", r->perf[i].level,
				    c->perf[i].level, SE_SLOG_AGENT_RESET, now);
}

static void engine_init_runtime(struct scmi_engine *e)
{
	e->r = e->cfg;
	e->dresp_head = e->dresp_count = 0;
	e->notif_head = e->notif_count = 0;
	memset(e->emit, 0, sizeof(e->emit));
	e->timer_due = UINT64_MAX;
}

/**
 * scmi_engine_new() - create an engine from a config file or the defaults
 * @config_path: config file, or NULL for the built-in resource set
 * @err: buffer for a "file:line: reason" message on failure
 * @errlen: size of @err
 *
 * Return: the engine, or NULL with @err filled in.
 */
struct scmi_engine *scmi_engine_new(const char *config_path, char *err,
				    size_t errlen)
{
	struct scmi_engine *e;

	if (err && errlen)
		err[0] = '\0';
	e = calloc(1, sizeof(*e));
	if (!e)
		goto nomem;
	e->count = calloc(256 * 256, sizeof(*e->count));
	e->dresp = calloc(SE_DRESP_CAP, sizeof(*e->dresp));
	e->notif = calloc(SE_NOTIF_CAP, sizeof(*e->notif));
	e->slog = calloc(SE_SLOG_CAP, sizeof(*e->slog));
	if (!e->count || !e->dresp || !e->notif || !e->slog)
		goto nomem;

	if (config_path) {
		if (se_parse_config(config_path, &e->cfg, err, errlen)) {
			scmi_engine_free(e);
			return NULL;
		}
	} else {
		se_defaults(&e->cfg);
	}
	se_normalize(&e->cfg);
	e->p2a = true;
	e->delay_ns = (uint64_t)e->cfg.delay_us * 1000;
	e->max_msg = e->cfg.max_msg;
	e->notif_limit = SE_NOTIF_CAP;
	engine_init_runtime(e);
	return e;

nomem:
	if (err && errlen)
		snprintf(err, errlen, "out of memory");
	scmi_engine_free(e);
	return NULL;
}

/**
 * scmi_engine_free() - destroy an engine
 * @e: engine (NULL is fine)
 */
void scmi_engine_free(struct scmi_engine *e)
{
	if (!e)
		return;
	free(e->count);
	free(e->dresp);
	free(e->notif);
	free(e->slog);
	free(e);
}

/**
 * scmi_engine_reset() - back to the configured initial state
 * @e: engine
 *
 * Drops queued P2A messages, notification enables and rate emitters; keeps
 * counters and the control settings (delay, P2A availability, limits).
 */
void scmi_engine_reset(struct scmi_engine *e)
{
	slog_reset(e);
	engine_init_runtime(e);
}

/**
 * scmi_engine_set_p2a() - record whether the P2A channel was negotiated
 * @e: engine
 * @available: VIRTIO_SCMI_F_P2A_CHANNELS negotiated
 */
void scmi_engine_set_p2a(struct scmi_engine *e, bool available)
{
	e->p2a = available;
}

/**
 * se_dresp_room() - whether one more delayed response can be held
 * @e: engine
 *
 * Return: true when the delayed-response queue is not full.
 */
bool se_dresp_room(const struct scmi_engine *e)
{
	return e->dresp_count < SE_DRESP_CAP;
}

/**
 * se_queue_dresp() - queue a delayed response, due after the configured delay
 * @e: engine
 * @proto: protocol id
 * @msg: message id of the command
 * @token: token of the command
 * @payload: return values after the SUCCESS status
 * @len: their length
 * @now: CLOCK_MONOTONIC ns
 *
 * Callers check se_dresp_room() before changing any state, so this never
 * fails.
 */
void se_queue_dresp(struct scmi_engine *e, uint8_t proto, uint8_t msg,
		    uint32_t token, const void *payload, size_t len,
		    uint64_t now)
{
	size_t pos, i, prev, cur;
	struct se_p2a m;

	if (e->dresp_count >= SE_DRESP_CAP || len + 8 > SE_P2A_BUF)
		return;
	m.due = now + e->delay_ns;
	m.len = (uint16_t)(8 + len);
	put32(m.buf, se_hdr(msg, MSG_TYPE_DRESP, proto, token));
	put32(m.buf + 4, (uint32_t)S_SUCCESS);
	memcpy(m.buf + 8, payload, len);

	/* insertion from the tail: O(1) while the delay is constant */
	pos = e->dresp_count;
	while (pos > 0) {
		prev = (e->dresp_head + pos - 1) % SE_DRESP_CAP;
		if (e->dresp[prev].due <= m.due)
			break;
		cur = (e->dresp_head + pos) % SE_DRESP_CAP;
		e->dresp[cur] = e->dresp[prev];
		pos--;
	}
	i = (e->dresp_head + pos) % SE_DRESP_CAP;
	e->dresp[i] = m;
	e->dresp_count++;
}

/**
 * se_notify() - queue a notification, due at once
 * @e: engine
 * @proto: protocol id
 * @msg: notification message id
 * @payload: payload, starting with the agent id
 * @len: its length
 * @now: CLOCK_MONOTONIC ns
 *
 * The queue is bounded: when full the oldest notification is dropped and
 * counted.
 */
void se_notify(struct scmi_engine *e, uint8_t proto, uint8_t msg,
	       const void *payload, size_t len, uint64_t now)
{
	struct se_p2a *m;

	if (len + 4 > SE_P2A_BUF)
		return;
	if (e->notif_count >= e->notif_limit) {
		if (!e->notif_count) {
			e->notif_dropped++;
			return;
		}
		e->notif_head = (e->notif_head + 1) % SE_NOTIF_CAP;
		e->notif_count--;
		e->notif_dropped++;
	}
	m = &e->notif[(e->notif_head + e->notif_count) % SE_NOTIF_CAP];
	m->due = now;
	m->len = (uint16_t)(4 + len);
	put32(m->buf, se_hdr(msg, MSG_TYPE_NOTIF, proto, 0));
	memcpy(m->buf + 4, payload, len);
	e->notif_count++;
	e->notif_queued++;
}

static uint64_t emitter_next(const struct se_emitter *em)
{
	/* time of emission number done (0-based): start + done * 1e9 / rate */
	__uint128_t t = (__uint128_t)em->done * 1000000000u;

	return em->start + (uint64_t)((t + em->rate - 1) / em->rate);
}

static void advance(struct scmi_engine *e, uint64_t now)
{
	uint64_t due = UINT64_MAX, t;
	int i;

	e->last_now = now;
	for (i = 0; i < SE_MAX_EMITTERS; i++) {
		struct se_emitter *em = &e->emit[i];

		if (!em->active)
			continue;
		while (em->done < em->total && emitter_next(em) <= now) {
			se_emit_event(e, em->proto, em->id, em->event, em->force,
				      now, NULL, 0);
			em->done++;
		}
		if (em->done >= em->total) {
			em->active = false;
			continue;
		}
		t = emitter_next(em);
		if (t < due)
			due = t;
	}
	t = se_advance(e, now);
	if (t < due)
		due = t;
	e->timer_due = due;
}

/**
 * scmi_engine_handle() - answer one command SDU
 * @e: engine
 * @req: request SDU (header + parameters)
 * @req_len: its length
 * @resp: response buffer
 * @resp_cap: its size
 * @now_ns: CLOCK_MONOTONIC time
 *
 * Return: response length, 0 only when @req_len < 4 or @resp_cap < 8.
 */
size_t scmi_engine_handle(struct scmi_engine *e, const void *req,
			  size_t req_len, void *resp, size_t resp_cap,
			  uint64_t now_ns)
{
	const uint8_t *q = req;
	uint8_t *out = resp;
	uint8_t scratch[SCMI_ENGINE_MAX_SDU];
	uint32_t hdr;
	uint8_t proto, msg;
	size_t cap, n;

	if (req_len < 4 || resp_cap < 8)
		return 0;
	if (now_ns >= e->timer_due)
		advance(e, now_ns);
	hdr = le32(q);
	msg = hdr & 0xff;
	proto = (hdr >> 10) & 0xff;
	e->count[proto * 256 + msg]++;
	put32(out, hdr);

	if (((hdr >> 8) & 3) != MSG_TYPE_CMD) {
		e->bad_hdr++;
		put32(out + 4, (uint32_t)S_PROTOCOL_ERROR);
		return 8;
	}
	if (e->ninject) {
		int i;

		for (i = 0; i < SE_MAX_INJECT; i++) {
			struct se_inject *in = &e->inject[i];

			if (!in->count || in->proto != proto || in->msg != msg)
				continue;
			if (!--in->count)
				e->ninject--;
			e->injected++;
			put32(out + 4, (uint32_t)in->status);
			return 8;
		}
	}
	cap = resp_cap;
	if (cap > 8 + e->max_msg)
		cap = 8 + e->max_msg;
	if (cap > SCMI_ENGINE_MAX_SDU)
		cap = SCMI_ENGINE_MAX_SDU;
	/*
	 * Handlers write into a scratch buffer of the largest SDU (list
	 * replies are sized to @cap, fixed-size ones are not), and only a
	 * reply that fits is copied out.
	 */
	n = se_dispatch(e, hdr, q + 4, req_len - 4, scratch, cap - 4, now_ns);
	if (n < 4 || n > cap - 4) {
		/* a fixed-size reply that does not fit the buffer */
		put32(out + 4, (uint32_t)S_COMMS_ERROR);
		return 8;
	}
	memcpy(out + 4, scratch, n);
	return 4 + n;
}

/**
 * scmi_engine_pop_p2a() - take the oldest due P2A message
 * @e: engine
 * @now_ns: CLOCK_MONOTONIC time
 * @buf: destination
 * @cap: its size; a message larger than @cap stays queued
 * @kind: set to the message kind (may be NULL)
 *
 * Return: message length, 0 when nothing is due.
 */
size_t scmi_engine_pop_p2a(struct scmi_engine *e, uint64_t now_ns, void *buf,
			   size_t cap, enum scmi_p2a_kind *kind)
{
	struct se_p2a *m;

	if (now_ns >= e->timer_due)
		advance(e, now_ns);
	if (e->dresp_count && e->dresp[e->dresp_head].due <= now_ns) {
		m = &e->dresp[e->dresp_head];
		if (m->len > cap)
			return 0;
		memcpy(buf, m->buf, m->len);
		e->dresp_head = (e->dresp_head + 1) % SE_DRESP_CAP;
		e->dresp_count--;
		e->dresp_sent++;
		if (kind)
			*kind = SCMI_P2A_DELAYED_RESPONSE;
		return m->len;
	}
	if (e->notif_count && e->notif[e->notif_head].due <= now_ns) {
		m = &e->notif[e->notif_head];
		if (m->len > cap)
			return 0;
		memcpy(buf, m->buf, m->len);
		e->notif_head = (e->notif_head + 1) % SE_NOTIF_CAP;
		e->notif_count--;
		e->notif_sent++;
		if (kind)
			*kind = SCMI_P2A_NOTIFICATION;
		return m->len;
	}
	return 0;
}

/**
 * scmi_engine_next_deadline() - earliest time something becomes due
 * @e: engine
 *
 * Return: CLOCK_MONOTONIC ns, or UINT64_MAX when nothing is pending.
 */
uint64_t scmi_engine_next_deadline(const struct scmi_engine *e)
{
	uint64_t d = e->timer_due;

	if (e->dresp_count && e->dresp[e->dresp_head].due < d)
		d = e->dresp[e->dresp_head].due;
	if (e->notif_count && e->notif[e->notif_head].due < d)
		d = e->notif[e->notif_head].due;
	return d;
}

/**
 * scmi_engine_p2a_pending() - messages queued, due or not
 * @e: engine
 * @kind: which queue
 *
 * Return: number of queued messages of @kind.
 */
size_t scmi_engine_p2a_pending(const struct scmi_engine *e,
			       enum scmi_p2a_kind kind)
{
	return kind == SCMI_P2A_DELAYED_RESPONSE ? e->dresp_count :
	       kind == SCMI_P2A_NOTIFICATION ? e->notif_count : 0;
}

/**
 * scmi_engine_count() - requests seen for one (protocol, message)
 * @e: engine
 * @protocol: protocol id
 * @msg: message id
 *
 * Return: the counter, malformed requests included.
 */
uint64_t scmi_engine_count(const struct scmi_engine *e, uint8_t protocol,
			   uint8_t msg)
{
	return e->count[protocol * 256 + msg];
}

/**
 * scmi_engine_notifications_dropped() - notifications lost to a full queue
 * @e: engine
 *
 * Return: the drop counter.
 */
uint64_t scmi_engine_notifications_dropped(const struct scmi_engine *e)
{
	return e->notif_dropped;
}

/* ---- control commands ---- */

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

static void stats_dump(const struct scmi_engine *e, FILE *out)
{
	int p, m;
	uint64_t c;

	for (p = 0; p < 256; p++)
		for (m = 0; m < 256; m++) {
			c = e->count[p * 256 + m];
			if (c)
				fprintf(out, "req 0x%02x 0x%02x %s %" PRIu64 "\n",
					p, m, se_proto_name((uint8_t)p), c);
		}
	fprintf(out, "bad_header %" PRIu64 "\n", e->bad_hdr);
	fprintf(out, "delayed_sent %" PRIu64 "\n", e->dresp_sent);
	fprintf(out, "delayed_pending %zu\n", e->dresp_count);
	fprintf(out, "delayed_busy %" PRIu64 "\n", e->dresp_busy);
	fprintf(out, "notif_queued %" PRIu64 "\n", e->notif_queued);
	fprintf(out, "notif_sent %" PRIu64 "\n", e->notif_sent);
	fprintf(out, "notif_pending %zu\n", e->notif_count);
	fprintf(out, "notif_dropped %" PRIu64 "\n", e->notif_dropped);
	fprintf(out, "p2a_sent %" PRIu64 "\n", e->dresp_sent + e->notif_sent);
	fprintf(out, "p2a_dropped %" PRIu64 "\n", e->notif_dropped);
	fprintf(out, "injected %" PRIu64 "\n", e->injected);
}

static int ctl_notify_rate(struct scmi_engine *e, int argc, char **argv,
			   FILE *out, uint64_t now)
{
	uint64_t rate, secs, id;
	int proto, ev, i, a = 1;
	bool force = false;
	struct se_emitter *em = NULL;

	if (argc == 2 && !strcmp(argv[1], "off")) {
		memset(e->emit, 0, sizeof(e->emit));
		fprintf(out, "notify-rate off\n");
		return 0;
	}
	if (argc > 1 && !strcmp(argv[argc - 1], "force")) {
		force = true;
		argc--;
	}
	if (argc != 5 && argc != 6)
		goto usage;
	proto = se_proto_parse(argv[a++]);
	if (proto < 0 || !parse_u64(argv[a++], &id))
		goto usage;
	ev = 0;
	if (argc == 6) {
		ev = se_event_parse((uint8_t)proto, argv[a++]);
		if (ev < 0) {
			fprintf(out, "error: unknown event '%s' for %s\n",
				argv[a - 1], se_proto_name((uint8_t)proto));
			return -1;
		}
	}
	if (!parse_u64(argv[a++], &rate) || !parse_u64(argv[a++], &secs) ||
	    !rate || rate > 1000000 || !secs || secs > 86400)
		goto usage;
	if (id >= (uint64_t)se_res_count(&e->r, (uint8_t)proto)) {
		fprintf(out, "error: no %s resource %" PRIu64 "\n",
			se_proto_name((uint8_t)proto), id);
		return -1;
	}
	for (i = 0; i < SE_MAX_EMITTERS; i++)
		if (!e->emit[i].active) {
			em = &e->emit[i];
			break;
		}
	if (!em) {
		fprintf(out, "error: all %d emitters busy\n", SE_MAX_EMITTERS);
		return -1;
	}
	em->active = true;
	em->force = force;
	em->proto = (uint8_t)proto;
	em->id = (uint32_t)id;
	em->event = ev;
	em->rate = rate;
	em->start = now;
	em->end = now + secs * 1000000000ull;
	em->total = rate * secs;
	em->done = 0;
	if (now < e->timer_due)
		e->timer_due = now;
	fprintf(out, "notify-rate %s %" PRIu64 " %s %" PRIu64 "/s for %" PRIu64
		" s (%" PRIu64 " notifications)\n", se_proto_name((uint8_t)proto),
		id, se_event_name((uint8_t)proto, ev), rate, secs, em->total);
	return 0;
usage:
	fprintf(out, "usage: notify-rate PROTO ID [EVENT] PER_SEC SECONDS [force] | notify-rate off\n");
	return -1;
}

static int ctl_notify(struct scmi_engine *e, int argc, char **argv, FILE *out,
		      uint64_t now)
{
	uint64_t id;
	int proto, ev = 0, n;
	bool force = false;
	char why[128];

	if (argc > 1 && !strcmp(argv[argc - 1], "force")) {
		force = true;
		argc--;
	}
	if (argc != 3 && argc != 4)
		goto usage;
	proto = se_proto_parse(argv[1]);
	if (proto < 0 || !parse_u64(argv[2], &id) || id > UINT32_MAX)
		goto usage;
	if (argc == 4) {
		ev = se_event_parse((uint8_t)proto, argv[3]);
		if (ev < 0) {
			fprintf(out, "error: unknown event '%s' for %s\n",
				argv[3], se_proto_name((uint8_t)proto));
			return -1;
		}
	}
	why[0] = '\0';
	n = se_emit_event(e, (uint8_t)proto, (uint32_t)id, ev, force, now, why,
			  sizeof(why));
	if (n < 0) {
		fprintf(out, "error: %s\n", why);
		return -1;
	}
	fprintf(out, "queued %d%s%s\n", n, why[0] ? " " : "", why);
	return 0;
usage:
	fprintf(out, "usage: notify PROTO ID [EVENT] [force]\n");
	return -1;
}

static int ctl_inject(struct scmi_engine *e, int argc, char **argv, FILE *out)
{
	uint64_t msg, count = 1;
	int32_t status;
	int proto, i;

	if (argc == 2 && !strcmp(argv[1], "off")) {
		memset(e->inject, 0, sizeof(e->inject));
		e->ninject = 0;
		fprintf(out, "inject off\n");
		return 0;
	}
	if (argc < 4 || argc > 5)
		goto usage;
	proto = se_proto_parse(argv[1]);
	if (proto < 0 || !parse_u64(argv[2], &msg) || msg > 0xff ||
	    se_status_parse(argv[3], &status) ||
	    (argc == 5 && (!parse_u64(argv[4], &count) || !count ||
			   count > UINT32_MAX)))
		goto usage;
	for (i = 0; i < SE_MAX_INJECT; i++) {
		struct se_inject *in = &e->inject[i];

		if (in->count && (in->proto != proto || in->msg != msg))
			continue;
		if (!in->count)
			e->ninject++;
		in->proto = (uint8_t)proto;
		in->msg = (uint8_t)msg;
		in->status = status;
		in->count = (uint32_t)count;
		fprintf(out, "inject %s 0x%02x status %d x%" PRIu64 "\n",
			se_proto_name((uint8_t)proto), (unsigned int)msg, status, count);
		return 0;
	}
	fprintf(out, "error: all %d injection slots busy\n", SE_MAX_INJECT);
	return -1;
usage:
	fprintf(out, "usage: inject PROTO MSG STATUS [COUNT] | inject off "
		"(STATUS: NOT_SUPPORTED, INVALID_PARAMETERS, DENIED, NOT_FOUND, "
		"OUT_OF_RANGE, BUSY, COMMS_ERROR, GENERIC_ERROR, HARDWARE_ERROR, "
		"PROTOCOL_ERROR or -1..-10)\n");
	return -1;
}

static void ctl_help(FILE *out)
{
	fputs("notify PROTO ID [EVENT] [force]\n"
	      "notify-rate PROTO ID [EVENT] PER_SEC SECONDS [force] | notify-rate off\n"
	      "set PROTO ID FIELD VALUE...\n"
	      "state\n"
	      "stats\n"
	      "delay [US]\n"
	      "p2a [on|off]\n"
	      "max-msg [BYTES]\n"
	      "queue-limit [N]\n"
	      "inject PROTO MSG STATUS [COUNT] | inject off\n"
	      "reset\n"
	      "help\n", out);
}

static const char *slog_value(const struct se_slog *l, char *buf, size_t len)
{
	if (l->proto == P_POWER)
		return l->from == POWER_ON && l->to == POWER_OFF ? "on off" :
		       l->from == POWER_OFF && l->to == POWER_ON ? "off on" :
		       (snprintf(buf, len, "0x%" PRIx64 " 0x%" PRIx64, l->from,
				 l->to), buf);
	if (!strcmp(l->what, "enabled") || !strcmp(l->what, "asserted"))
		return l->to ? "no yes" : "yes no";
	snprintf(buf, len, "%" PRIu64 " %" PRIu64, l->from, l->to);
	return buf;
}

/*
 * The state log, oldest first: "T_NS PROTO ID NAME WHAT FROM TO AGENT",
 * then "dropped N".
 */
static void slog_dump(const struct scmi_engine *e, FILE *out)
{
	const struct se_slog *l;
	const char *name, *agent;
	char buf[64];
	size_t i;

	for (i = 0; i < e->slog_count; i++) {
		l = &e->slog[(e->slog_head + i) % SE_SLOG_CAP];
		switch (l->proto) {
		case P_POWER:
			name = e->r.pwr[l->id].name;
			break;
		case P_CLOCK:
			name = e->r.clk[l->id].name;
			break;
		case P_RESET:
			name = e->r.rst[l->id].name;
			break;
		default:
			name = e->r.perf[l->id].name;
			break;
		}
		agent = l->agent == SE_SLOG_AGENT_RESET ? "reset" :
			l->agent ? "ospm" : "platform";
		fprintf(out, "%" PRIu64 " %s %d %s %s %s %s\n", l->t,
			se_proto_name(l->proto), l->id, name, l->what,
			slog_value(l, buf, sizeof(buf)), agent);
	}
	fprintf(out, "dropped %" PRIu64 "\n", e->slog_dropped);
}

/**
 * scmi_engine_ctl() - run one engine control command
 * @e: engine
 * @argc: number of words
 * @argv: the words
 * @out: reply text
 * @now_ns: CLOCK_MONOTONIC time
 *
 * Return: 0 on success, -1 on a bad command (reason written to @out).
 */
int scmi_engine_ctl(struct scmi_engine *e, int argc, char **argv, FILE *out,
		    uint64_t now_ns)
{
	const char *cmd;
	uint64_t v;

	if (argc < 1 || !argv || !argv[0]) {
		fprintf(out, "error: empty command\n");
		return -1;
	}
	if (now_ns >= e->timer_due)
		advance(e, now_ns);
	cmd = argv[0];
	if (!strcmp(cmd, "notify"))
		return ctl_notify(e, argc, argv, out, now_ns);
	if (!strcmp(cmd, "notify-rate"))
		return ctl_notify_rate(e, argc, argv, out, now_ns);
	if (!strcmp(cmd, "set"))
		return se_ctl_set(e, argc, argv, out, now_ns);
	if (!strcmp(cmd, "inject"))
		return ctl_inject(e, argc, argv, out);
	if (!strcmp(cmd, "state-log") && argc == 1) {
		slog_dump(e, out);
		return 0;
	}
	if (!strcmp(cmd, "state-log-clear") && argc == 1) {
		e->slog_head = e->slog_count = 0;
		e->slog_dropped = 0;
		return 0;
	}
	if (!strcmp(cmd, "state") && argc == 1) {
		se_dump_state(e, out, now_ns);
		return 0;
	}
	if (!strcmp(cmd, "stats") && argc == 1) {
		stats_dump(e, out);
		return 0;
	}
	if (!strcmp(cmd, "delay") && argc <= 2) {
		if (argc == 2) {
			if (!parse_u64(argv[1], &v) || v > 60000000) {
				fprintf(out, "error: delay is 0..60000000 us\n");
				return -1;
			}
			e->delay_ns = v * 1000;
		}
		fprintf(out, "delay %" PRIu64 " us\n", e->delay_ns / 1000);
		return 0;
	}
	if (!strcmp(cmd, "p2a") && argc <= 2) {
		if (argc == 2) {
			if (!strcmp(argv[1], "on")) {
				e->p2a = true;
			} else if (!strcmp(argv[1], "off")) {
				e->p2a = false;
			} else {
				fprintf(out, "error: p2a on|off\n");
				return -1;
			}
		}
		fprintf(out, "p2a %s\n", e->p2a ? "on" : "off");
		return 0;
	}
	if (!strcmp(cmd, "max-msg") && argc <= 2) {
		if (argc == 2) {
			if (!parse_u64(argv[1], &v) || v < 32 ||
			    v > SCMI_ENGINE_MAX_SDU - 8) {
				fprintf(out, "error: max-msg is 32..%d\n",
					SCMI_ENGINE_MAX_SDU - 8);
				return -1;
			}
			e->max_msg = v;
		}
		fprintf(out, "max-msg %zu\n", e->max_msg);
		return 0;
	}
	if (!strcmp(cmd, "queue-limit") && argc <= 2) {
		if (argc == 2) {
			if (!parse_u64(argv[1], &v) || v > SE_NOTIF_CAP) {
				fprintf(out, "error: queue-limit is 0..%d\n",
					SE_NOTIF_CAP);
				return -1;
			}
			e->notif_limit = v;
			while (e->notif_count > e->notif_limit) {
				e->notif_head = (e->notif_head + 1) % SE_NOTIF_CAP;
				e->notif_count--;
				e->notif_dropped++;
			}
		}
		fprintf(out, "queue-limit %zu\n", e->notif_limit);
		return 0;
	}
	if (!strcmp(cmd, "reset") && argc == 1) {
		scmi_engine_reset(e);
		fprintf(out, "reset\n");
		return 0;
	}
	if (!strcmp(cmd, "help")) {
		ctl_help(out);
		return 0;
	}
	fprintf(out, "error: unknown or malformed command '%s' (try help)\n", cmd);
	return -1;
}
