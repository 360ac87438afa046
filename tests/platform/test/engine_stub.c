// SPDX-License-Identifier: GPL-2.0
/*
 * engine_stub.c - a minimal stand-in for the SCMI engine, for the daemon's
 * unit tests (and for building the daemon before the real engine exists).
 *
 * Every command is answered SUCCESS with the request's payload echoed back.
 * P2A messages are queued by the tests (stub_queue_p2a) or by the control
 * command "stub-p2a delayed|notification TOKEN".
 */
#include <stdlib.h>
#include <string.h>

#include "../scmi_engine.h"
#include "engine_stub.h"

#define STUB_MAX_P2A	64

struct stub_p2a {
	enum scmi_p2a_kind kind;
	size_t len;
	uint64_t due;
	uint8_t buf[64];
};

struct scmi_engine {
	bool p2a;
	unsigned int resets;
	uint64_t requests;
	unsigned int n;
	struct stub_p2a q[STUB_MAX_P2A];
};

struct scmi_engine *scmi_engine_new(const char *config_path, char *err, size_t errlen)
{
	struct scmi_engine *e;

	if (config_path) {
		snprintf(err, errlen, "%s:0: the stub engine takes no config", config_path);
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (e)
		e->p2a = true;
	return e;
}

void scmi_engine_free(struct scmi_engine *e)
{
	free(e);
}

void scmi_engine_reset(struct scmi_engine *e)
{
	e->resets++;
	e->n = 0;
}

void scmi_engine_set_p2a(struct scmi_engine *e, bool available)
{
	e->p2a = available;
}

size_t scmi_engine_handle(struct scmi_engine *e, const void *req, size_t req_len, void *resp,
			  size_t resp_cap, uint64_t now_ns)
{
	uint32_t status = 0;
	size_t n;

	(void)now_ns;
	e->requests++;
	if (req_len < 4 || resp_cap < 8)
		return 0;
	memcpy(resp, req, 4);
	memcpy((uint8_t *)resp + 4, &status, 4);
	n = req_len - 4;
	if (n > resp_cap - 8)
		n = resp_cap - 8;
	memcpy((uint8_t *)resp + 8, (const uint8_t *)req + 4, n);
	return 8 + n;
}

void stub_queue_p2a(struct scmi_engine *e, enum scmi_p2a_kind kind, uint32_t token,
		    uint64_t due)
{
	struct stub_p2a *m;
	uint32_t h = 0x5 | (uint32_t)kind << 8 | 0x14u << 10 | (token & 0x3ff) << 18;

	if (e->n >= STUB_MAX_P2A)
		return;
	m = &e->q[e->n++];
	m->kind = kind;
	m->due = due;
	m->len = 16;
	memset(m->buf, 0, sizeof(m->buf));
	memcpy(m->buf, &h, 4);
}

unsigned int stub_resets(const struct scmi_engine *e)
{
	return e->resets;
}

size_t scmi_engine_pop_p2a(struct scmi_engine *e, uint64_t now_ns, void *buf, size_t cap,
			   enum scmi_p2a_kind *kind)
{
	unsigned int i;

	for (i = 0; i < e->n; i++) {
		struct stub_p2a *m = &e->q[i];
		size_t len = m->len < cap ? m->len : cap;

		if (m->due > now_ns)
			continue;
		memcpy(buf, m->buf, len);
		*kind = m->kind;
		memmove(m, m + 1, (e->n - i - 1) * sizeof(*m));
		e->n--;
		return len;
	}
	return 0;
}

uint64_t scmi_engine_next_deadline(const struct scmi_engine *e)
{
	uint64_t d = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < e->n; i++)
		if (e->q[i].due < d)
			d = e->q[i].due;
	return d;
}

size_t scmi_engine_p2a_pending(const struct scmi_engine *e, enum scmi_p2a_kind kind)
{
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < e->n; i++)
		n += e->q[i].kind == kind;
	return n;
}

int scmi_engine_ctl(struct scmi_engine *e, int argc, char **argv, FILE *out, uint64_t now_ns)
{
	if (argc == 3 && !strcmp(argv[0], "stub-p2a")) {
		stub_queue_p2a(e, !strcmp(argv[1], "delayed") ? SCMI_P2A_DELAYED_RESPONSE :
			       SCMI_P2A_NOTIFICATION, strtoul(argv[2], NULL, 0), now_ns);
		fprintf(out, "queued\n");
		return 0;
	}
	if (argc == 1 && !strcmp(argv[0], "state")) {
		fprintf(out, "stub requests %llu\n", (unsigned long long)e->requests);
		return 0;
	}
	fprintf(out, "unknown engine command '%s'\n", argc ? argv[0] : "");
	return -1;
}

uint64_t scmi_engine_count(const struct scmi_engine *e, uint8_t protocol, uint8_t msg)
{
	(void)protocol;
	(void)msg;
	return e->requests;
}

uint64_t scmi_engine_notifications_dropped(const struct scmi_engine *e)
{
	(void)e;
	return 0;
}
