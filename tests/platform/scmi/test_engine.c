// SPDX-License-Identifier: GPL-2.0
/*
 * test_engine.c - host unit tests of the SCMI platform engine.
 *
 * Usage: test_engine [SRCDIR] [--bench-only]
 * Prints "ok N - name" or "not ok N - name: reason" per test and a final
 * "N passed, N failed" line; exits non-zero when a test failed.  SRCDIR
 * (default ".") is where default.conf lives.
 */
/* reasons are truncated to the buffer on purpose */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static const char *srcdir = ".";
static char why[512];
static uint64_t g_now = 1000000000000ull;	/* 1000 s */
static uint32_t g_token;

static uint8_t rbuf[SCMI_ENGINE_MAX_SDU];
static size_t rlen;
static uint8_t pbuf[SCMI_ENGINE_MAX_SDU];
static char ctl_out[1 << 20];

#define MS	1000000ull
#define SEC	1000000000ull

#define EXPECT(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			snprintf(why, sizeof(why), __VA_ARGS__);	\
			return false;					\
		}							\
	} while (0)

#define EXPECT_EQ(a, b)							\
	EXPECT((int64_t)(a) == (int64_t)(b), "%s:%d: %s = %" PRId64	\
	       " (0x%" PRIx64 "), expected %" PRId64, __func__, __LINE__, #a, \
	       (int64_t)(a), (uint64_t)(a), (int64_t)(b))

#define EXPECT_STATUS(s)						\
	EXPECT(rstatus() == (s), "%s:%d: status %d, expected %d (len %zu)", \
	       __func__, __LINE__, rstatus(), (s), rlen)

/* engines of the running test, freed by the runner when a test fails */
static struct scmi_engine *live[4];

static struct scmi_engine *track(struct scmi_engine *e)
{
	int i;

	for (i = 0; e && i < 4; i++)
		if (!live[i]) {
			live[i] = e;
			break;
		}
	return e;
}

static void efree(struct scmi_engine *e)
{
	int i;

	for (i = 0; i < 4; i++)
		if (live[i] == e)
			live[i] = NULL;
	scmi_engine_free(e);
}

static void free_live(void)
{
	int i;

	for (i = 0; i < 4; i++) {
		scmi_engine_free(live[i]);
		live[i] = NULL;
	}
}

static struct scmi_engine *mk(void)
{
	char err[256];
	struct scmi_engine *e = scmi_engine_new(NULL, err, sizeof(err));

	if (!e) {
		fprintf(stderr, "engine: %s\n", err);
		exit(2);
	}
	return track(e);
}

static int32_t rstatus(void)
{
	return rlen >= 8 ? (int32_t)le32(rbuf + 4) : 99;
}

/* i-th 32-bit return value after the status */
static uint32_t rv(int i)
{
	return le32(rbuf + 8 + 4 * i);
}

static uint32_t last_hdr;

static size_t send_raw(struct scmi_engine *e, const uint8_t *req, size_t len)
{
	rlen = scmi_engine_handle(e, req, len, rbuf, 8 + SE_DEFAULT_MAX_MSG, g_now);
	return rlen;
}

static int32_t cmd_a(struct scmi_engine *e, uint8_t proto, uint8_t msg,
		     const uint32_t *v, int n)
{
	uint8_t req[256];
	int i;

	g_token = (g_token + 1) & 0x3ff;
	last_hdr = se_hdr(msg, 0, proto, g_token);
	put32(req, last_hdr);
	for (i = 0; i < n; i++)
		put32(req + 4 + 4 * i, v[i]);
	send_raw(e, req, 4 + 4 * (size_t)n);
	return rstatus();
}

#define CMD(e, p, m, ...)						\
	cmd_a(e, p, m, (const uint32_t[]){ 0, __VA_ARGS__ } + 1,	\
	      (int)(sizeof((uint32_t[]){ 0, __VA_ARGS__ }) / 4) - 1)
#define CMD0(e, p, m) cmd_a(e, p, m, NULL, 0)

static int ctl(struct scmi_engine *e, const char *line)
{
	char buf[512], *argv[32], *save = NULL, *t;
	int argc = 0, rc;
	FILE *f;

	snprintf(buf, sizeof(buf), "%s", line);
	for (t = strtok_r(buf, " ", &save); t && argc < 32;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	f = fmemopen(ctl_out, sizeof(ctl_out) - 1, "w");
	rc = scmi_engine_ctl(e, argc, argv, f, g_now);
	fclose(f);
	return rc;
}

static size_t pop(struct scmi_engine *e, uint64_t now, enum scmi_p2a_kind *k)
{
	enum scmi_p2a_kind dummy;

	return scmi_engine_pop_p2a(e, now, pbuf, sizeof(pbuf), k ? k : &dummy);
}

static uint32_t pv(int i)
{
	return le32(pbuf + 4 + 4 * i);
}

/* ------------------------------------------------------------ framing */

static bool t_new_default(void)
{
	struct scmi_engine *e = mk();

	EXPECT(e, "no engine");
	efree(e);
	efree(NULL);
	return true;
}

static bool t_short_request(void)
{
	struct scmi_engine *e = mk();
	uint8_t req[4] = { 0 };

	EXPECT_EQ(scmi_engine_handle(e, req, 3, rbuf, sizeof(rbuf), g_now), 0);
	EXPECT_EQ(scmi_engine_handle(e, req, 4, rbuf, 7, g_now), 0);
	EXPECT_EQ(scmi_engine_handle(e, req, 0, rbuf, sizeof(rbuf), g_now), 0);
	efree(e);
	return true;
}

static bool t_token_echo(void)
{
	struct scmi_engine *e = mk();
	uint8_t req[4];
	uint32_t h = se_hdr(0, 0, P_CLOCK, 0x3ab);

	put32(req, h);
	send_raw(e, req, 4);
	EXPECT_EQ(rlen, 12);
	EXPECT_EQ(le32(rbuf), h);
	EXPECT_EQ(rv(0), 0x30000);
	efree(e);
	return true;
}

static bool t_non_command_type(void)
{
	struct scmi_engine *e = mk();
	uint8_t req[4];

	put32(req, se_hdr(0, 2, P_BASE, 1));
	send_raw(e, req, 4);
	EXPECT_STATUS(S_PROTOCOL_ERROR);
	EXPECT_EQ(rlen, 8);
	put32(req, se_hdr(0, 3, P_BASE, 1));
	send_raw(e, req, 4);
	EXPECT_STATUS(S_PROTOCOL_ERROR);
	efree(e);
	return true;
}

static bool t_unknown_protocol(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD0(e, 0x19, 0), S_NOT_SUPPORTED);
	EXPECT_EQ(rlen, 8);
	EXPECT_EQ(CMD0(e, 0x80, 0), S_NOT_SUPPORTED);
	EXPECT_EQ(CMD0(e, 0x00, 0), S_NOT_SUPPORTED);
	efree(e);
	return true;
}

static bool t_unknown_message(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD0(e, P_BASE, 0x20), S_NOT_FOUND);
	EXPECT_EQ(rlen, 8);
	EXPECT_EQ(CMD(e, P_CLOCK, 0xc, 0, 0), S_NOT_FOUND);	/* parents */
	EXPECT_EQ(CMD(e, P_PERF, 0xb, 0, 0), S_NOT_FOUND);	/* fastchannel */
	EXPECT_EQ(CMD(e, P_SENSOR, 0x7, 0, 0), S_NOT_FOUND);	/* axis */
	EXPECT_EQ(CMD(e, P_BASE, 0x10, 0x20000), S_NOT_FOUND);	/* negotiate */
	EXPECT_EQ(CMD0(e, P_POWERCAP, 0xff), S_NOT_FOUND);
	efree(e);
	return true;
}

static bool t_bad_length_short(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD0(e, P_BASE, 0x7), S_PROTOCOL_ERROR);
	EXPECT_EQ(rlen, 8);
	EXPECT_EQ(CMD(e, P_CLOCK, 0x5, 0, 0, 0), S_PROTOCOL_ERROR);
	EXPECT_EQ(CMD(e, P_POWER, 0x4, 0, 0), S_PROTOCOL_ERROR);
	EXPECT_EQ(scmi_engine_count(e, P_CLOCK, 5), 1);
	efree(e);
	return true;
}

static bool t_bad_length_long(void)
{
	struct scmi_engine *e = mk();
	uint8_t req[7];

	EXPECT_EQ(CMD(e, P_BASE, 0x0, 1), S_PROTOCOL_ERROR);
	EXPECT_EQ(CMD(e, P_CLOCK, 0x6, 0, 0), S_PROTOCOL_ERROR);
	/* not a multiple of 4 */
	put32(req, se_hdr(6, 0, P_CLOCK, 3));
	req[4] = req[5] = req[6] = 0;
	send_raw(e, req, 7);
	EXPECT_STATUS(S_PROTOCOL_ERROR);
	efree(e);
	return true;
}

static bool t_error_is_status_only(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_CLOCK, 0x3, 99), S_NOT_FOUND);
	EXPECT_EQ(rlen, 8);
	EXPECT_EQ(CMD(e, P_PERF, 0x4, 0, 99), S_INVALID_PARAMETERS);
	EXPECT_EQ(rlen, 8);
	efree(e);
	return true;
}

static bool t_small_buffer(void)
{
	struct scmi_engine *e = mk();
	uint8_t req[12], *b;
	size_t n;

	put32(req, se_hdr(8, 0, P_CLOCK, 5));		/* CLOCK_NAME_GET: 76 */
	put32(req + 4, 3);
	b = malloc(8);
	n = scmi_engine_handle(e, req, 8, b, 8, g_now);
	EXPECT_EQ(n, 8);
	EXPECT_EQ((int32_t)le32(b + 4), S_COMMS_ERROR);
	free(b);
	put32(req, se_hdr(4, 0, P_CLOCK, 6));		/* DESCRIBE_RATES */
	put32(req + 8, 0);
	b = malloc(20);
	n = scmi_engine_handle(e, req, 12, b, 20, g_now);
	EXPECT_EQ(n, 20);
	EXPECT_EQ(le32(b + 4), 0);
	EXPECT_EQ(le32(b + 8), 1 | 15u << 16);		/* 1 returned, 15 left */
	EXPECT_EQ(le32(b + 12), 1000000);
	free(b);
	b = malloc(12);
	n = scmi_engine_handle(e, req, 12, b, 12, g_now);
	EXPECT_EQ(n, 12);
	EXPECT_EQ(le32(b + 8), 16u << 16);		/* none fits */
	free(b);
	efree(e);
	return true;
}

static bool t_protocol_versions(void)
{
	static const uint32_t want[SE_NPROTO] = {
		0x20000, 0x30000, 0x20000, 0x40000, 0x30000, 0x30000, 0x30000,
		0x20000, 0x20000,
	};
	struct scmi_engine *e = mk();
	int i;

	for (i = 0; i < SE_NPROTO; i++) {
		EXPECT_EQ(CMD0(e, (uint8_t)(P_BASE + i), 0), 0);
		EXPECT_EQ(rlen, 12);
		EXPECT_EQ(rv(0), want[i]);
	}
	efree(e);
	return true;
}

static bool t_msg_attributes(void)
{
	static const struct { uint8_t p; uint8_t m; int st; } c[] = {
		{ P_BASE, 0x8, 0 }, { P_BASE, 0x9, S_NOT_FOUND },
		{ P_POWER, 0x6, 0 }, { P_POWER, 0x7, S_NOT_FOUND },
		{ P_SYSTEM, 0x5, 0 }, { P_PERF, 0xa, 0 }, { P_PERF, 0xb, S_NOT_FOUND },
		{ P_PERF, 0xc, 0 }, { P_CLOCK, 0xb, 0 }, { P_CLOCK, 0xc, S_NOT_FOUND },
		{ P_CLOCK, 0xf, S_NOT_FOUND }, { P_SENSOR, 0xb, 0 },
		{ P_SENSOR, 0xd, S_NOT_FOUND }, { P_RESET, 0x5, 0 },
		{ P_VOLTAGE, 0x9, 0 }, { P_POWERCAP, 0xb, 0 },
		{ P_POWERCAP, 0xc, S_NOT_FOUND },
	};
	struct scmi_engine *e = mk();
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		EXPECT(CMD(e, c[i].p, 2, c[i].m) == c[i].st,
		       "proto 0x%x msg 0x%x: status %d, expected %d", c[i].p,
		       c[i].m, rstatus(), c[i].st);
		if (!c[i].st) {
			EXPECT_EQ(rlen, 12);
			EXPECT_EQ(rv(0), 0);
		}
	}
	EXPECT_EQ(CMD(e, P_CLOCK, 2, 0x105), S_NOT_FOUND);
	efree(e);
	return true;
}

/* --------------------------------------------------------------- base */

static bool t_base_attributes(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD0(e, P_BASE, 1), 0);
	EXPECT_EQ(rlen, 12);
	EXPECT_EQ(rv(0) & 0xff, 8);
	EXPECT_EQ((rv(0) >> 8) & 0xff, 1);
	efree(e);
	return true;
}

static bool t_base_vendor(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD0(e, P_BASE, 3), 0);
	EXPECT_EQ(rlen, 24);
	EXPECT(!strcmp((char *)rbuf + 8, "virtio-scmi"), "vendor '%s'", rbuf + 8);
	EXPECT_EQ(CMD0(e, P_BASE, 4), 0);
	EXPECT_EQ(rlen, 24);
	EXPECT(!strcmp((char *)rbuf + 8, "test-platform"), "sub '%s'", rbuf + 8);
	EXPECT_EQ(CMD0(e, P_BASE, 5), 0);
	EXPECT_EQ(rlen, 12);
	EXPECT_EQ(rv(0), 0x10000);
	efree(e);
	return true;
}

static bool t_base_list_protocols(void)
{
	static const uint8_t want[] = { 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18 };
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_BASE, 6, 0), 0);
	EXPECT_EQ(rlen, 4 + 4 + 4 + 8);
	EXPECT_EQ(rv(0), 8);
	EXPECT(!memcmp(rbuf + 12, want, 8), "protocol list differs");
	EXPECT_EQ(CMD(e, P_BASE, 6, 5), 0);
	EXPECT_EQ(rv(0), 3);
	EXPECT_EQ(rlen, 16);
	EXPECT(!memcmp(rbuf + 12, want + 5, 3) && rbuf[15] == 0, "skip 5 list differs");
	EXPECT_EQ(CMD(e, P_BASE, 6, 8), 0);
	EXPECT_EQ(rv(0), 0);
	EXPECT_EQ(CMD(e, P_BASE, 6, 9), S_INVALID_PARAMETERS);
	efree(e);
	return true;
}

static bool t_base_discover_agent(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_BASE, 7, 0), 0);
	EXPECT_EQ(rlen, 28);
	EXPECT_EQ(rv(0), 0);
	EXPECT(!strcmp((char *)rbuf + 12, "platform"), "agent 0 '%s'", rbuf + 12);
	EXPECT_EQ(CMD(e, P_BASE, 7, 0xffffffff), 0);
	EXPECT_EQ(rv(0), 1);
	EXPECT(!strcmp((char *)rbuf + 12, "OSPM"), "self '%s'", rbuf + 12);
	EXPECT_EQ(CMD(e, P_BASE, 7, 2), S_NOT_FOUND);
	efree(e);
	return true;
}

static bool t_base_notify_errors(void)
{
	struct scmi_engine *e = mk();
	enum scmi_p2a_kind k;

	EXPECT_EQ(ctl(e, "notify base 0 error"), 0);
	EXPECT(strstr(ctl_out, "queued 0"), "disabled: %s", ctl_out);
	EXPECT_EQ(CMD(e, P_BASE, 8, 1), 0);
	EXPECT_EQ(CMD(e, P_BASE, 8, 2), S_INVALID_PARAMETERS);
	EXPECT_EQ(ctl(e, "notify base 0 error"), 0);
	EXPECT_EQ(pop(e, g_now, &k), 12);
	EXPECT_EQ(k, SCMI_P2A_NOTIFICATION);
	EXPECT_EQ(le32(pbuf), se_hdr(0, 3, P_BASE, 0));
	EXPECT_EQ(pv(0), 0);
	EXPECT_EQ(pop(e, g_now, &k), 0);
	efree(e);
	return true;
}

/* -------------------------------------------------------------- power */

static bool t_power_attrs(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD0(e, P_POWER, 1), 0);
	EXPECT_EQ(rlen, 24);
	EXPECT_EQ(rv(0), 3);
	EXPECT_EQ(CMD(e, P_POWER, 3, 0), 0);
	EXPECT_EQ(rlen, 28);
	EXPECT_EQ(rv(0), 0xe0000000u);
	EXPECT(!strcmp((char *)rbuf + 12, "pd_gpu"), "name '%s'", rbuf + 12);
	EXPECT_EQ(CMD(e, P_POWER, 3, 3), S_NOT_FOUND);
	efree(e);
	return true;
}

static bool t_power_state(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_POWER, 5, 0), 0);
	EXPECT_EQ(rv(0), POWER_OFF);
	EXPECT_EQ(CMD(e, P_POWER, 5, 2), 0);
	EXPECT_EQ(rv(0), POWER_ON);
	EXPECT_EQ(CMD(e, P_POWER, 4, 0, 0, POWER_ON), 0);
	EXPECT_EQ(rlen, 8);
	EXPECT_EQ(CMD(e, P_POWER, 5, 0), 0);
	EXPECT_EQ(rv(0), POWER_ON);
	EXPECT_EQ(CMD(e, P_POWER, 4, 1, 1, POWER_ON), 0);	/* async */
	EXPECT_EQ(CMD(e, P_POWER, 5, 1), 0);
	EXPECT_EQ(rv(0), POWER_ON);
	efree(e);
	return true;
}

static bool t_power_bad(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_POWER, 4, 0, 0, 0x12345), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_POWER, 5, 0), 0);
	EXPECT_EQ(rv(0), POWER_OFF);
	EXPECT_EQ(CMD(e, P_POWER, 4, 2, 0, POWER_ON), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_POWER, 4, 0, 7, POWER_ON), S_NOT_FOUND);
	EXPECT_EQ(CMD(e, P_POWER, 5, 7), S_NOT_FOUND);
	EXPECT_EQ(CMD(e, P_POWER, 8, 7), S_NOT_FOUND);
	efree(e);
	return true;
}

static bool t_power_notify(void)
{
	struct scmi_engine *e = mk();
	enum scmi_p2a_kind k;

	EXPECT_EQ(CMD(e, P_POWER, 4, 0, 0, POWER_ON), 0);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 0);
	EXPECT_EQ(CMD(e, P_POWER, 6, 0, 1), 0);
	EXPECT_EQ(CMD(e, P_POWER, 4, 0, 0, POWER_ON), 0);	/* unchanged */
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 0);
	EXPECT_EQ(CMD(e, P_POWER, 4, 0, 0, POWER_OFF), 0);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 1);
	EXPECT_EQ(pop(e, g_now, &k), 16);
	EXPECT_EQ(le32(pbuf), se_hdr(0, 3, P_POWER, 0));
	EXPECT_EQ(pv(0), 1);
	EXPECT_EQ(pv(1), 0);
	EXPECT_EQ(pv(2), POWER_OFF);
	EXPECT_EQ(CMD(e, P_POWER, 6, 0, 0), 0);
	EXPECT_EQ(CMD(e, P_POWER, 4, 0, 0, POWER_ON), 0);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 0);
	EXPECT_EQ(CMD(e, P_POWER, 6, 0, 3), S_INVALID_PARAMETERS);
	efree(e);
	return true;
}

static bool t_power_name(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_POWER, 8, 1), 0);
	EXPECT_EQ(rlen, 4 + 4 + 4 + 64);
	EXPECT(!strcmp((char *)rbuf + 12, "pd_vpu"), "name '%s'", rbuf + 12);
	efree(e);
	return true;
}

/* ------------------------------------------------------------- system */

static bool t_system(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD0(e, P_SYSTEM, 1), 0);
	EXPECT_EQ(rv(0), 0xc0000000u);
	EXPECT_EQ(CMD0(e, P_SYSTEM, 4), 0);
	EXPECT_EQ(rv(0), 3);
	EXPECT_EQ(CMD(e, P_SYSTEM, 3, 1, 0), 0);
	EXPECT_EQ(CMD0(e, P_SYSTEM, 4), 0);
	EXPECT_EQ(rv(0), 0);
	EXPECT_EQ(CMD(e, P_SYSTEM, 3, 0, 5), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_SYSTEM, 3, 4, 0), S_INVALID_PARAMETERS);
	efree(e);
	return true;
}

static bool t_system_notify(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(ctl(e, "notify system 0 graceful-shutdown"), 0);
	EXPECT(strstr(ctl_out, "queued 0"), "%s", ctl_out);
	EXPECT_EQ(CMD(e, P_SYSTEM, 5, 1), 0);
	EXPECT_EQ(ctl(e, "notify system 0 graceful-shutdown"), 0);
	EXPECT_EQ(pop(e, g_now, NULL), 20);
	EXPECT_EQ(le32(pbuf), se_hdr(0, 3, P_SYSTEM, 0));
	EXPECT_EQ(pv(1), 1);
	EXPECT_EQ(pv(2), 0);
	EXPECT_EQ(ctl(e, "notify system 0 warm-reset"), 0);
	EXPECT_EQ(pop(e, g_now, NULL), 20);
	EXPECT_EQ(pv(1), 0);
	EXPECT_EQ(pv(2), 2);
	EXPECT_EQ(ctl(e, "notify system 1 warm-reset"), -1);
	efree(e);
	return true;
}

/* --------------------------------------------------------------- perf */

static bool t_perf_attrs(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD0(e, P_PERF, 1), 0);
	EXPECT_EQ(rlen, 24);
	EXPECT_EQ(rv(0), 3 | 1u << 16);
	EXPECT_EQ(CMD(e, P_PERF, 3, 0), 0);
	EXPECT_EQ(rlen, 40);
	EXPECT_EQ(rv(0), 0xf0000000u);
	EXPECT_EQ(rv(2), 1500000);
	EXPECT_EQ(rv(3), 1500);
	EXPECT(!strcmp((char *)rbuf + 24, "perf_cpu0"), "name '%s'", rbuf + 24);
	EXPECT_EQ(CMD(e, P_PERF, 3, 3), S_NOT_FOUND);
	efree(e);
	return true;
}

static bool t_perf_describe(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_PERF, 4, 0, 0), 0);
	EXPECT_EQ(rlen, 4 + 4 + 4 + 4 * 20);
	EXPECT_EQ(rv(0), 4);
	EXPECT_EQ(le32(rbuf + 12), 500);
	EXPECT_EQ(le32(rbuf + 16), 100);
	EXPECT_EQ(le32(rbuf + 20) & 0xffff, 30);
	EXPECT_EQ(le32(rbuf + 24), 500000);
	EXPECT_EQ(le32(rbuf + 12 + 60), 2000);
	EXPECT_EQ(CMD(e, P_PERF, 4, 0, 4), 0);
	EXPECT_EQ(rv(0), 0);
	EXPECT_EQ(CMD(e, P_PERF, 4, 0, 5), S_INVALID_PARAMETERS);
	efree(e);
	return true;
}

static bool t_perf_describe_paged(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(ctl(e, "max-msg 48"), 0);
	EXPECT_EQ(CMD(e, P_PERF, 4, 0, 0), 0);
	EXPECT_EQ(rv(0), 2 | 2u << 16);
	EXPECT(rlen <= 8 + 48, "reply %zu > 56", rlen);
	EXPECT_EQ(CMD(e, P_PERF, 4, 0, 2), 0);
	EXPECT_EQ(rv(0), 2);
	EXPECT_EQ(le32(rbuf + 12), 1500);
	efree(e);
	return true;
}

static bool t_perf_level(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_PERF, 8, 0), 0);
	EXPECT_EQ(rv(0), 1000);
	EXPECT_EQ(CMD(e, P_PERF, 7, 0, 2000), 0);
	EXPECT_EQ(CMD(e, P_PERF, 8, 0), 0);
	EXPECT_EQ(rv(0), 2000);
	EXPECT_EQ(CMD(e, P_PERF, 7, 0, 1234), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_PERF, 7, 0, 5000), S_OUT_OF_RANGE);
	EXPECT_EQ(CMD(e, P_PERF, 7, 9, 500), S_NOT_FOUND);
	EXPECT_EQ(CMD(e, P_PERF, 8, 0), 0);
	EXPECT_EQ(rv(0), 2000);
	efree(e);
	return true;
}

static bool t_perf_limits(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_PERF, 6, 0), 0);
	EXPECT_EQ(rv(0), 2000);
	EXPECT_EQ(rv(1), 500);
	EXPECT_EQ(CMD(e, P_PERF, 5, 0, 700, 500), 0);	/* max 700 min 500 */
	EXPECT_EQ(CMD(e, P_PERF, 8, 0), 0);
	EXPECT_EQ(rv(0), 500);				/* clamped from 1000 */
	EXPECT_EQ(CMD(e, P_PERF, 7, 0, 1000), S_OUT_OF_RANGE);
	EXPECT_EQ(CMD(e, P_PERF, 5, 0, 500, 1000), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_PERF, 5, 0, 3000, 500), S_OUT_OF_RANGE);
	EXPECT_EQ(CMD(e, P_PERF, 5, 0, 1400, 1100), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_PERF, 6, 0), 0);
	EXPECT_EQ(rv(0), 700);
	EXPECT_EQ(rv(1), 500);
	efree(e);
	return true;
}

static bool t_perf_notify(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_PERF, 0x9, 0, 1), 0);
	EXPECT_EQ(CMD(e, P_PERF, 0xa, 0, 1), 0);
	EXPECT_EQ(CMD(e, P_PERF, 5, 0, 700, 500), 0);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 2);
	EXPECT_EQ(pop(e, g_now, NULL), 20);
	EXPECT_EQ(le32(pbuf), se_hdr(0, 3, P_PERF, 0));
	EXPECT_EQ(pv(2), 700);
	EXPECT_EQ(pv(3), 500);
	EXPECT_EQ(pop(e, g_now, NULL), 16);
	EXPECT_EQ(le32(pbuf), se_hdr(1, 3, P_PERF, 0));
	EXPECT_EQ(pv(2), 500);
	EXPECT_EQ(CMD(e, P_PERF, 7, 0, 500), 0);	/* unchanged: none */
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 0);
	efree(e);
	return true;
}

/* -------------------------------------------------------------- clock */

static bool t_clock_attrs(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD0(e, P_CLOCK, 1), 0);
	EXPECT_EQ(rlen, 12);
	EXPECT_EQ(rv(0), 4 | 4u << 16);
	EXPECT_EQ(CMD(e, P_CLOCK, 3, 0), 0);
	EXPECT_EQ(rlen, 32);
	EXPECT_EQ(rv(0), 0xc0000001u);
	EXPECT(!strcmp((char *)rbuf + 12, "scmi_clk_cpu"), "name '%s'", rbuf + 12);
	EXPECT_EQ(CMD(e, P_CLOCK, 3, 1), 0);
	EXPECT_EQ(rv(0) & 1, 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 3, 4), S_NOT_FOUND);
	efree(e);
	return true;
}

static bool t_clock_extended_name(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_CLOCK, 3, 3), 0);
	EXPECT(rv(0) & (1u << 29), "no extended name bit");
	EXPECT_EQ(strlen((char *)rbuf + 12), 15);
	EXPECT_EQ(rv(5), 50);
	EXPECT_EQ(CMD(e, P_CLOCK, 8, 3), 0);
	EXPECT(!strcmp((char *)rbuf + 12, "scmi_clk_periph_extended_name"),
	       "name '%s'", rbuf + 12);
	EXPECT_EQ(CMD(e, P_CLOCK, 3, 0), 0);
	EXPECT(!(rv(0) & (1u << 29)), "short name has extended bit");
	efree(e);
	return true;
}

static bool t_clock_describe_discrete(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_CLOCK, 4, 0, 0), 0);
	EXPECT_EQ(rlen, 12 + 32);
	EXPECT_EQ(rv(0), 4);
	EXPECT_EQ(rv(1), 400000000);
	EXPECT_EQ(rv(2), 0);
	EXPECT_EQ(rv(7), 1600000000);
	EXPECT_EQ(CMD(e, P_CLOCK, 4, 0, 3), 0);
	EXPECT_EQ(rv(0), 1);
	EXPECT_EQ(rv(1), 1600000000);
	EXPECT_EQ(CMD(e, P_CLOCK, 4, 0, 5), S_INVALID_PARAMETERS);
	efree(e);
	return true;
}

static bool t_clock_describe_range(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_CLOCK, 4, 1, 0), 0);
	EXPECT_EQ(rlen, 12 + 24);
	EXPECT_EQ(rv(0), 3 | 1u << 12);
	EXPECT_EQ(rv(1), 100000000);
	EXPECT_EQ(rv(3), 1000000000);
	EXPECT_EQ(rv(5), 1000000);
	EXPECT_EQ(CMD(e, P_CLOCK, 4, 1, 1), S_INVALID_PARAMETERS);
	efree(e);
	return true;
}

static bool t_clock_describe_paged(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_CLOCK, 4, 3, 0), 0);
	EXPECT_EQ(rv(0), 15 | 1u << 16);
	EXPECT_EQ(rlen, 12 + 15 * 8);
	EXPECT_EQ(rv(29), 15000000);
	EXPECT_EQ(CMD(e, P_CLOCK, 4, 3, 15), 0);
	EXPECT_EQ(rv(0), 1);
	EXPECT_EQ(rlen, 20);
	EXPECT_EQ(rv(1), 16000000);
	EXPECT_EQ(CMD(e, P_CLOCK, 4, 3, 16), 0);
	EXPECT_EQ(rv(0), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 4, 3, 17), S_INVALID_PARAMETERS);
	efree(e);
	return true;
}

static bool t_clock_rate_set_sync(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_CLOCK, 6, 0), 0);
	EXPECT_EQ(rlen, 16);
	EXPECT_EQ(rv(0), 800000000);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 0, 0, 1200000000, 0), 0);
	EXPECT_EQ(rlen, 8);
	EXPECT_EQ(CMD(e, P_CLOCK, 6, 0), 0);
	EXPECT_EQ(rv(0), 1200000000);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_DELAYED_RESPONSE), 0);
	efree(e);
	return true;
}

static bool t_clock_rate_out_of_range(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_CLOCK, 5, 0, 0, 100, 0), S_OUT_OF_RANGE);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 0, 0, 0, 1), S_OUT_OF_RANGE);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 0, 1, 2000000000, 0), S_OUT_OF_RANGE);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 0, 2, 24000000, 0), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 0, 2, 25000000, 0), S_OUT_OF_RANGE);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 0x10, 0, 800000000, 0), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 0, 9, 800000000, 0), S_NOT_FOUND);
	EXPECT_EQ(CMD(e, P_CLOCK, 6, 0), 0);
	EXPECT_EQ(rv(0), 800000000);
	efree(e);
	return true;
}

static bool t_clock_rate_rounding(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_CLOCK, 5, 0, 1, 500500000, 0), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 6, 1), 0);
	EXPECT_EQ(rv(0), 500000000);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 4, 1, 500500000, 0), 0);	/* up */
	EXPECT_EQ(CMD(e, P_CLOCK, 6, 1), 0);
	EXPECT_EQ(rv(0), 501000000);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 8, 0, 1100000000, 0), 0);	/* nearest */
	EXPECT_EQ(CMD(e, P_CLOCK, 6, 0), 0);
	EXPECT_EQ(rv(0), 1200000000);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 0, 0, 1100000000, 0), 0);	/* down */
	EXPECT_EQ(CMD(e, P_CLOCK, 6, 0), 0);
	EXPECT_EQ(rv(0), 800000000);
	efree(e);
	return true;
}

static bool t_clock_rate_async(void)
{
	struct scmi_engine *e = mk();
	enum scmi_p2a_kind k;
	uint32_t hdr;

	EXPECT_EQ(CMD(e, P_CLOCK, 5, 1, 0, 1600000000, 0), 0);
	EXPECT_EQ(rlen, 8);
	hdr = last_hdr;
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_DELAYED_RESPONSE), 1);
	EXPECT_EQ(scmi_engine_next_deadline(e), g_now + MS);
	EXPECT_EQ(pop(e, g_now + MS - 1, &k), 0);
	EXPECT_EQ(pop(e, g_now + MS, &k), 20);
	EXPECT_EQ(k, SCMI_P2A_DELAYED_RESPONSE);
	EXPECT_EQ(le32(pbuf), (hdr & ~0x300u) | 2u << 8);
	EXPECT_EQ(pv(0), 0);
	EXPECT_EQ(pv(1), 0);
	EXPECT_EQ(pv(2), 1600000000);
	EXPECT_EQ(pv(3), 0);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_DELAYED_RESPONSE), 0);
	EXPECT_EQ(scmi_engine_next_deadline(e), UINT64_MAX);
	efree(e);
	return true;
}

static bool t_clock_async_ignore(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_CLOCK, 5, 3, 0, 400000000, 0), 0);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_DELAYED_RESPONSE), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 6, 0), 0);
	EXPECT_EQ(rv(0), 400000000);
	efree(e);
	return true;
}

static bool t_clock_async_no_p2a(void)
{
	struct scmi_engine *e = mk();

	scmi_engine_set_p2a(e, false);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 1, 0, 400000000, 0), S_NOT_SUPPORTED);
	EXPECT_EQ(CMD(e, P_CLOCK, 6, 0), 0);
	EXPECT_EQ(rv(0), 800000000);
	EXPECT_EQ(CMD0(e, P_CLOCK, 1), 0);
	EXPECT_EQ(rv(0), 4);				/* max_async 0 */
	EXPECT_EQ(CMD(e, P_CLOCK, 3, 0), 0);
	EXPECT_EQ(rv(0), 1);				/* no notify bits */
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_DELAYED_RESPONSE), 0);
	efree(e);
	return true;
}

static bool t_clock_config(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_CLOCK, 0xb, 1, 0), 0);
	EXPECT_EQ(rlen, 20);
	EXPECT_EQ(rv(1), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 7, 1, 1, 0), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 0xb, 1, 0), 0);
	EXPECT_EQ(rv(1), 1);
	EXPECT_EQ(CMD(e, P_CLOCK, 3, 1), 0);
	EXPECT_EQ(rv(0) & 1, 1);
	EXPECT_EQ(CMD(e, P_CLOCK, 7, 1, 0, 0), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 0xb, 1, 0), 0);
	EXPECT_EQ(rv(1), 0);
	efree(e);
	return true;
}

static bool t_clock_config_bad(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_CLOCK, 7, 0, 2, 0), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_CLOCK, 7, 0, 3, 0), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_CLOCK, 7, 0, 0x10001, 5), S_NOT_SUPPORTED);
	EXPECT_EQ(CMD(e, P_CLOCK, 7, 0, 0x4, 0), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_CLOCK, 7, 0, 1), S_PROTOCOL_ERROR);	/* v1 layout */
	EXPECT_EQ(CMD(e, P_CLOCK, 7, 8, 1, 0), S_NOT_FOUND);
	EXPECT_EQ(CMD(e, P_CLOCK, 0xb, 0, 1), S_NOT_SUPPORTED);
	EXPECT_EQ(CMD(e, P_CLOCK, 0xb, 0), S_PROTOCOL_ERROR);	/* v1 layout */
	EXPECT_EQ(CMD(e, P_CLOCK, 0xb, 0, 0), 0);
	EXPECT_EQ(rv(1), 1);
	efree(e);
	return true;
}

static bool t_clock_notify(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_CLOCK, 5, 0, 0, 400000000, 0), 0);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 9, 0, 1), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 0, 0, 400000000, 0), 0);	/* same rate */
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 0, 0, 1600000000, 0), 0);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 1);
	EXPECT_EQ(pop(e, g_now, NULL), 20);
	EXPECT_EQ(le32(pbuf), se_hdr(0, 3, P_CLOCK, 0));
	EXPECT_EQ(pv(0), 1);
	EXPECT_EQ(pv(1), 0);
	EXPECT_EQ(pv(2), 1600000000);
	EXPECT_EQ(CMD(e, P_CLOCK, 0xa, 0, 1), 0);
	EXPECT_EQ(ctl(e, "set clock 0 rate 800000000"), 0);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 2);
	EXPECT_EQ(pop(e, g_now, NULL), 20);
	EXPECT_EQ(le32(pbuf), se_hdr(1, 3, P_CLOCK, 0));
	EXPECT_EQ(pv(0), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 9, 0, 2), S_INVALID_PARAMETERS);
	efree(e);
	return true;
}

/* ------------------------------------------------------------- sensor */

static bool t_sensor_attrs(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD0(e, P_SENSOR, 1), 0);
	EXPECT_EQ(rlen, 24);
	EXPECT_EQ(rv(0) & 0xffff, 4);
	efree(e);
	return true;
}

static bool t_sensor_describe(void)
{
	struct scmi_engine *e = mk();
	uint8_t *d;

	EXPECT_EQ(CMD(e, P_SENSOR, 3, 0), 0);
	EXPECT_EQ(rv(0), 4);
	EXPECT_EQ(rlen, 12 + 4 * 28);
	d = rbuf + 12;
	EXPECT_EQ(le32(d), 0);
	EXPECT(le32(d + 4) & (1u << 31), "temp_soc not async");
	EXPECT_EQ(le32(d + 4) & 0xff, 2);
	EXPECT_EQ(le32(d + 8) & 0xff, 2);
	EXPECT_EQ((le32(d + 8) >> 11) & 0x1f, 0x1d);	/* -3 */
	EXPECT(!strcmp((char *)d + 12, "temp_soc"), "name '%s'", d + 12);
	d += 28;
	EXPECT(!(le32(d + 4) & (1u << 31)), "temp_cpu async");
	EXPECT(!strcmp((char *)d + 12, "temp_cpu"), "name '%s'", d + 12);
	EXPECT_EQ(CMD(e, P_SENSOR, 3, 3), 0);
	EXPECT_EQ(rv(0), 1);
	EXPECT(!strcmp((char *)rbuf + 24, "power_soc"), "name '%s'", rbuf + 24);
	EXPECT_EQ(CMD(e, P_SENSOR, 3, 5), S_INVALID_PARAMETERS);
	efree(e);
	return true;
}

static bool t_sensor_reading(void)
{
	struct scmi_engine *e = mk();
	int64_t v1, v2;

	EXPECT_EQ(CMD(e, P_SENSOR, 6, 0, 0), 0);
	EXPECT_EQ(rlen, 24);
	v1 = (int64_t)((uint64_t)rv(0) | (uint64_t)rv(1) << 32);
	EXPECT(v1 >= 40000 && v1 <= 50000, "value %" PRId64, v1);
	EXPECT_EQ((uint64_t)rv(2) | (uint64_t)rv(3) << 32, g_now);
	EXPECT_EQ(v1, se_sensor_value(&e->r.sens[0], g_now));
	EXPECT_EQ(CMD(e, P_SENSOR, 6, 0, 0), 0);
	EXPECT_EQ((int64_t)((uint64_t)rv(0) | (uint64_t)rv(1) << 32), v1);
	g_now += 7 * SEC;
	EXPECT_EQ(CMD(e, P_SENSOR, 6, 0, 0), 0);
	v2 = (int64_t)((uint64_t)rv(0) | (uint64_t)rv(1) << 32);
	g_now -= 7 * SEC;
	EXPECT(v2 != v1, "value did not change over 7 s");
	EXPECT_EQ(CMD(e, P_SENSOR, 6, 2, 0), 0);
	EXPECT_EQ(rv(0), 900);
	EXPECT_EQ(CMD(e, P_SENSOR, 6, 9, 0), S_NOT_FOUND);
	EXPECT_EQ(CMD(e, P_SENSOR, 6, 0, 2), S_INVALID_PARAMETERS);
	efree(e);
	return true;
}

static bool t_sensor_wave_bounds(void)
{
	struct se_sensor s = { .base = 1000, .amplitude = 100, .period_ms = 1000 };
	uint64_t t;
	int64_t v, lo = INT64_MAX, hi = INT64_MIN;

	for (t = 0; t < 3 * SEC; t += MS) {
		v = se_sensor_value(&s, t);
		EXPECT(v >= 900 && v <= 1100, "v=%" PRId64 " at %" PRIu64, v, t);
		if (v < lo)
			lo = v;
		if (v > hi)
			hi = v;
	}
	EXPECT(lo <= 901 && hi >= 1099, "range %" PRId64 "..%" PRId64, lo, hi);
	return true;
}

static bool t_sensor_async(void)
{
	struct scmi_engine *e = mk();
	uint32_t hdr;

	EXPECT_EQ(CMD(e, P_SENSOR, 6, 0, 1), 0);
	EXPECT_EQ(rlen, 8);
	hdr = last_hdr;
	EXPECT_EQ(pop(e, g_now + MS, NULL), 28);
	EXPECT_EQ(le32(pbuf), (hdr & ~0x300u) | 2u << 8);
	EXPECT_EQ(pv(0), 0);
	EXPECT_EQ(pv(1), 0);
	EXPECT_EQ((int64_t)pv(2), se_sensor_value(&e->r.sens[0], g_now));
	EXPECT_EQ(CMD(e, P_SENSOR, 6, 1, 1), S_NOT_SUPPORTED);
	scmi_engine_set_p2a(e, false);
	EXPECT_EQ(CMD(e, P_SENSOR, 6, 0, 1), S_NOT_SUPPORTED);
	efree(e);
	return true;
}

static bool t_sensor_override(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(ctl(e, "set sensor 0 value 42000"), 0);
	EXPECT_EQ(CMD(e, P_SENSOR, 6, 0, 0), 0);
	EXPECT_EQ(rv(0), 42000);
	EXPECT_EQ(ctl(e, "set sensor 0 value -5"), 0);
	EXPECT_EQ(CMD(e, P_SENSOR, 6, 0, 0), 0);
	EXPECT_EQ(rv(1), 0xffffffffu);
	EXPECT_EQ(ctl(e, "set sensor 0 value auto"), 0);
	EXPECT_EQ(CMD(e, P_SENSOR, 6, 0, 0), 0);
	EXPECT_EQ((int64_t)rv(0), se_sensor_value(&e->r.sens[0], g_now));
	EXPECT_EQ(ctl(e, "set sensor 7 value 1"), -1);
	EXPECT_EQ(ctl(e, "set sensor 0 value x"), -1);
	efree(e);
	return true;
}

static bool t_sensor_trip(void)
{
	struct scmi_engine *e = mk();
	uint64_t t = g_now;

	EXPECT_EQ(ctl(e, "set sensor 0 value 40000"), 0);
	EXPECT_EQ(CMD(e, P_SENSOR, 4, 0, 1), 0);
	EXPECT_EQ(CMD(e, P_SENSOR, 5, 0, 0x01, 46000, 0), 0);	/* tp0 rising */
	EXPECT_EQ(CMD(e, P_SENSOR, 5, 0, 0x23, 0, 0), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_SENSOR, 5, 0, 0x14, 0, 0), S_INVALID_PARAMETERS);
	EXPECT_EQ(pop(e, t, NULL), 0);
	EXPECT(scmi_engine_next_deadline(e) <= t + 10 * MS, "no trip poll");
	EXPECT_EQ(ctl(e, "set sensor 0 value 50000"), 0);
	EXPECT_EQ(pop(e, t + 1, NULL), 16);
	EXPECT_EQ(le32(pbuf), se_hdr(0, 3, P_SENSOR, 0));
	EXPECT_EQ(pv(1), 0);
	EXPECT_EQ(pv(2), 1u << 16);
	EXPECT_EQ(pop(e, t + 20 * MS, NULL), 0);	/* no repeat */
	EXPECT_EQ(ctl(e, "set sensor 0 value 30000"), 0);
	EXPECT_EQ(pop(e, t + 30 * MS, NULL), 0);	/* falling not armed */
	EXPECT_EQ(CMD(e, P_SENSOR, 4, 1, 1), 0);
	EXPECT_EQ(CMD(e, P_SENSOR, 4, 2, 1), S_NOT_SUPPORTED);	/* no trips */
	efree(e);
	return true;
}

static bool t_sensor_update_notify(void)
{
	struct scmi_engine *e = mk();
	uint64_t t = g_now;
	int n = 0;

	EXPECT_EQ(CMD(e, P_SENSOR, 0xa, 0, 1u << 16 | 0x1fu << 11 | 1), 0);
	EXPECT_EQ(CMD(e, P_SENSOR, 0x9, 0), 0);
	EXPECT_EQ(rv(0), 1u << 16 | 0x1fu << 11 | 1);
	EXPECT_EQ(CMD(e, P_SENSOR, 0xb, 0, 1), 0);
	EXPECT_EQ(pop(e, t, NULL), 0);
	EXPECT_EQ(scmi_engine_next_deadline(e), t + 100 * MS);
	EXPECT_EQ(pop(e, t + 99 * MS, NULL), 0);
	EXPECT_EQ(pop(e, t + 100 * MS, NULL), 28);
	EXPECT_EQ(le32(pbuf), se_hdr(1, 3, P_SENSOR, 0));
	EXPECT_EQ(pv(1), 0);
	for (t += 101 * MS; t < g_now + 1000 * MS; t += 10 * MS)
		while (pop(e, t, NULL))
			n++;
	EXPECT(n >= 8 && n <= 9, "%d updates in ~0.9 s at 100 ms", n);
	EXPECT_EQ(CMD(e, P_SENSOR, 0xb, 0, 0), 0);
	EXPECT_EQ(pop(e, t + SEC, NULL), 0);
	efree(e);
	return true;
}

static bool t_sensor_config(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_SENSOR, 9, 1), 0);
	EXPECT_EQ(rv(0), 1u << 16 | 1);
	EXPECT_EQ(CMD(e, P_SENSOR, 0xa, 1, 5u << 16), 0);	/* 5 s, disabled */
	EXPECT_EQ(CMD(e, P_SENSOR, 9, 1), 0);
	EXPECT_EQ(rv(0), 5u << 16);
	EXPECT_EQ(CMD(e, P_SENSOR, 0xa, 1, 4u << 16 | 2u << 9 | 1), 0);	/* auto */
	EXPECT_EQ(CMD(e, P_SENSOR, 9, 1), 0);
	EXPECT_EQ(rv(0), 5u << 16 | 1);
	EXPECT_EQ(CMD(e, P_SENSOR, 0xa, 1, 3u << 16 | 1), 0);		/* down */
	EXPECT_EQ(CMD(e, P_SENSOR, 9, 1), 0);
	EXPECT_EQ(rv(0), 1u << 16 | 1);
	EXPECT_EQ(CMD(e, P_SENSOR, 0xa, 1, 9u << 16 | 1u << 9), S_OUT_OF_RANGE);
	EXPECT_EQ(CMD(e, P_SENSOR, 0xa, 1, 1u << 16 | 3u << 9), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_SENSOR, 0xa, 1, 1u << 4), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_SENSOR, 0xa, 9, 0), S_NOT_FOUND);
	efree(e);
	return true;
}

static bool t_sensor_intervals(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_SENSOR, 8, 0, 0), 0);
	EXPECT_EQ(rlen, 24);
	EXPECT_EQ(rv(0), 3);
	EXPECT_EQ(rv(1), 1u << 5 | 0x1f);
	EXPECT_EQ(rv(2), 1u << 5);
	EXPECT_EQ(rv(3), 5u << 5);
	EXPECT_EQ(CMD(e, P_SENSOR, 8, 0, 2), 0);
	EXPECT_EQ(rv(0), 1);
	EXPECT_EQ(CMD(e, P_SENSOR, 8, 0, 4), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_SENSOR, 0xc, 3), 0);
	EXPECT(!strcmp((char *)rbuf + 12, "power_soc"), "name '%s'", rbuf + 12);
	efree(e);
	return true;
}

/* -------------------------------------------------------------- reset */

static bool t_reset_attrs(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD0(e, P_RESET, 1), 0);
	EXPECT_EQ(rv(0), 3);
	EXPECT_EQ(CMD(e, P_RESET, 3, 0), 0);
	EXPECT_EQ(rlen, 32);
	EXPECT_EQ(rv(0), 0xc0000000u);
	EXPECT_EQ(rv(1), 100);
	EXPECT(!strcmp((char *)rbuf + 16, "rst_usb"), "name '%s'", rbuf + 16);
	EXPECT_EQ(CMD(e, P_RESET, 3, 1), 0);
	EXPECT_EQ(rv(0), 0x40000000u);
	EXPECT_EQ(CMD(e, P_RESET, 6, 2), 0);
	EXPECT(!strcmp((char *)rbuf + 12, "rst_eth"), "name '%s'", rbuf + 12);
	efree(e);
	return true;
}

static bool t_reset_autonomous(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_RESET, 4, 1, 1, 0), 0);
	EXPECT_EQ(e->r.rst[1].resets, 1);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 0);
	EXPECT_EQ(CMD(e, P_RESET, 5, 1, 1), 0);
	EXPECT_EQ(CMD(e, P_RESET, 4, 1, 1, 0), 0);
	EXPECT_EQ(pop(e, g_now, NULL), 16);
	EXPECT_EQ(le32(pbuf), se_hdr(0, 3, P_RESET, 0));
	EXPECT_EQ(pv(0), 1);
	EXPECT_EQ(pv(1), 1);
	EXPECT_EQ(pv(2), 0);
	efree(e);
	return true;
}

static bool t_reset_assert(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_RESET, 4, 0, 2, 0), 0);
	EXPECT(e->r.rst[0].asserted, "not asserted");
	EXPECT_EQ(ctl(e, "state"), 0);
	EXPECT(strstr(ctl_out, "rst_usb latency_us=100 async=1 notify=1 state=asserted"),
	       "dump: %s", ctl_out);
	EXPECT_EQ(CMD(e, P_RESET, 4, 0, 0, 0), 0);
	EXPECT(!e->r.rst[0].asserted, "still asserted");
	efree(e);
	return true;
}

static bool t_reset_async(void)
{
	struct scmi_engine *e = mk();
	uint32_t hdr;

	EXPECT_EQ(CMD(e, P_RESET, 4, 2, 5, 0), 0);
	hdr = last_hdr;
	EXPECT_EQ(pop(e, g_now + MS, NULL), 12);
	EXPECT_EQ(le32(pbuf), (hdr & ~0x300u) | 2u << 8);
	EXPECT_EQ(pv(0), 0);
	EXPECT_EQ(pv(1), 2);
	EXPECT_EQ(CMD(e, P_RESET, 4, 1, 5, 0), S_NOT_SUPPORTED);
	scmi_engine_set_p2a(e, false);
	EXPECT_EQ(CMD(e, P_RESET, 4, 2, 5, 0), S_NOT_SUPPORTED);
	EXPECT_EQ(CMD(e, P_RESET, 3, 0), 0);
	EXPECT_EQ(rv(0), 0);
	efree(e);
	return true;
}

static bool t_reset_bad(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_RESET, 4, 0, 3, 0), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_RESET, 4, 0, 4, 0), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_RESET, 4, 0, 8, 0), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_RESET, 4, 0, 1, 1), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_RESET, 4, 0, 1, 0x80000000u), S_NOT_SUPPORTED);
	EXPECT_EQ(CMD(e, P_RESET, 4, 3, 1, 0), S_NOT_FOUND);
	EXPECT_EQ(e->r.rst[0].resets, 0);
	efree(e);
	return true;
}

/* ------------------------------------------------------------ voltage */

static bool t_voltage_describe(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD0(e, P_VOLTAGE, 1), 0);
	EXPECT_EQ(rv(0), 3);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 3, 0), 0);
	EXPECT_EQ(rlen, 28);
	EXPECT_EQ(rv(0), 0x80000000u);
	EXPECT(!strcmp((char *)rbuf + 12, "vdd_core"), "name '%s'", rbuf + 12);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 4, 0, 0), 0);
	EXPECT_EQ(rv(0), 3);
	EXPECT_EQ(rv(1), 800000);
	EXPECT_EQ(rv(3), 1000000);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 4, 1, 0), 0);
	EXPECT_EQ(rv(0), 3 | 1u << 12);
	EXPECT_EQ(rv(1), 1800000);
	EXPECT_EQ(rv(2), 3300000);
	EXPECT_EQ(rv(3), 100000);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 4, 1, 1), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 4, 2, 7), 0);
	EXPECT_EQ(rv(0), 2);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 4, 3, 0), S_NOT_FOUND);
	efree(e);
	return true;
}

static bool t_voltage_level(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_VOLTAGE, 8, 0), 0);
	EXPECT_EQ(rv(0), 900000);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 7, 0, 0, 1000000), 0);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 8, 0), 0);
	EXPECT_EQ(rv(0), 1000000);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 7, 0, 0, 950000), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 7, 0, 0, 1200000), S_OUT_OF_RANGE);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 7, 1, 0, 2500000), 0);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 7, 1, 0, 2550000), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 7, 1, 0, 1700000), S_OUT_OF_RANGE);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 7, 1, 2, 2500000), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 8, 1), 0);
	EXPECT_EQ(rv(0), 2500000);
	efree(e);
	return true;
}

static bool t_voltage_config(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_VOLTAGE, 6, 2), 0);
	EXPECT_EQ(rv(0), 0);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 5, 2, 7), 0);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 6, 2), 0);
	EXPECT_EQ(rv(0), 7);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 5, 2, 3), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 5, 2, 0), 0);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 6, 2), 0);
	EXPECT_EQ(rv(0), 0);
	efree(e);
	return true;
}

static bool t_voltage_async(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_VOLTAGE, 7, 0, 1, 800000), 0);
	EXPECT_EQ(pop(e, g_now + MS, NULL), 16);
	EXPECT_EQ(le32(pbuf) & 0x3ff, 2u << 8 | 7);
	EXPECT_EQ(pv(1), 0);
	EXPECT_EQ(pv(2), 800000);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 7, 1, 1, 2500000), S_NOT_SUPPORTED);
	efree(e);
	return true;
}

/* ----------------------------------------------------------- powercap */

static bool t_powercap_attrs(void)
{
	struct scmi_engine *e = mk();
	uint32_t a;

	EXPECT_EQ(CMD0(e, P_POWERCAP, 1), 0);
	EXPECT_EQ(rv(0), 2);
	EXPECT_EQ(CMD(e, P_POWERCAP, 3, 0), 0);
	EXPECT_EQ(rlen, 64);
	a = rv(0);
	EXPECT_EQ(a, 1u << 31 | 1u << 30 | 1u << 29 | 1u << 27 | 1u << 26 |
		     1u << 25 | 2u << 23);
	EXPECT(!strcmp((char *)rbuf + 12, "pcap_soc"), "name '%s'", rbuf + 12);
	EXPECT_EQ(rv(5), 1000);		/* min pai */
	EXPECT_EQ(rv(8), 1000);		/* min cap */
	EXPECT_EQ(rv(9), 10000);
	EXPECT_EQ(rv(13), 0xffffffffu);
	EXPECT_EQ(CMD(e, P_POWERCAP, 3, 1), 0);
	EXPECT(!(rv(0) & (1u << 25)), "fixed pai reported configurable");
	EXPECT_EQ(rv(13), 0);
	efree(e);
	return true;
}

static bool t_powercap_cap(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_POWERCAP, 4, 0), 0);
	EXPECT_EQ(rv(0), 8000);
	EXPECT_EQ(CMD(e, P_POWERCAP, 5, 0, 0, 5000), 0);
	EXPECT_EQ(CMD(e, P_POWERCAP, 4, 0), 0);
	EXPECT_EQ(rv(0), 5000);
	EXPECT_EQ(CMD(e, P_POWERCAP, 5, 0, 0, 20000), S_OUT_OF_RANGE);
	EXPECT_EQ(CMD(e, P_POWERCAP, 5, 0, 0, 5050), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_POWERCAP, 5, 0, 4, 5000), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_POWERCAP, 5, 0, 0, 0), 0);		/* disable */
	EXPECT_EQ(CMD(e, P_POWERCAP, 4, 0), 0);
	EXPECT_EQ(rv(0), 0);
	EXPECT_EQ(CMD(e, P_POWERCAP, 4, 1), 0);
	EXPECT_EQ(rv(0), 0);
	EXPECT_EQ(CMD(e, P_POWERCAP, 5, 2, 0, 1000), S_NOT_FOUND);
	efree(e);
	return true;
}

static bool t_powercap_async(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_POWERCAP, 5, 0, 2, 3000), 0);
	EXPECT_EQ(pop(e, g_now + MS, NULL), 16);
	EXPECT_EQ(le32(pbuf) & 0x3ff, 2u << 8 | 5);
	EXPECT_EQ(pv(1), 0);
	EXPECT_EQ(pv(2), 3000);
	EXPECT_EQ(CMD(e, P_POWERCAP, 5, 0, 3, 4000), 0);	/* ignore dresp */
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_DELAYED_RESPONSE), 0);
	EXPECT_EQ(CMD(e, P_POWERCAP, 5, 1, 2, 3000), S_NOT_SUPPORTED);
	efree(e);
	return true;
}

static bool t_powercap_pai(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_POWERCAP, 6, 0), 0);
	EXPECT_EQ(rv(0), 10000);
	EXPECT_EQ(CMD(e, P_POWERCAP, 7, 0, 0, 20000), 0);
	EXPECT_EQ(CMD(e, P_POWERCAP, 6, 0), 0);
	EXPECT_EQ(rv(0), 20000);
	EXPECT_EQ(CMD(e, P_POWERCAP, 7, 0, 0, 20500), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_POWERCAP, 7, 0, 0, 500), S_OUT_OF_RANGE);
	EXPECT_EQ(CMD(e, P_POWERCAP, 7, 0, 1, 20000), S_INVALID_PARAMETERS);
	EXPECT_EQ(CMD(e, P_POWERCAP, 7, 1, 0, 10000), S_NOT_SUPPORTED);
	efree(e);
	return true;
}

static bool t_powercap_measure(void)
{
	struct scmi_engine *e = mk();
	uint64_t t;

	for (t = 0; t < 10 * SEC; t += 77 * MS) {
		g_now += 77 * MS;
		EXPECT_EQ(CMD(e, P_POWERCAP, 9, 0), 0);
		EXPECT(rv(0) >= 3000 && rv(0) <= 7000, "power %u", rv(0));
		EXPECT_EQ(rv(1), 10000);
		EXPECT_EQ(CMD(e, P_POWERCAP, 9, 1), 0);
		EXPECT(rv(0) >= 2000 && rv(0) <= 3000, "cpu power %u", rv(0));
	}
	EXPECT_EQ(CMD(e, P_POWERCAP, 5, 0, 0, 1000), 0);
	EXPECT_EQ(CMD(e, P_POWERCAP, 9, 0), 0);
	EXPECT_EQ(rv(0), 1000);				/* capped */
	efree(e);
	return true;
}

static bool t_powercap_notify(void)
{
	struct scmi_engine *e = mk();
	uint64_t t = g_now;

	EXPECT_EQ(CMD(e, P_POWERCAP, 0xa, 0, 1), 0);
	EXPECT_EQ(CMD(e, P_POWERCAP, 5, 0, 0, 6000), 0);
	EXPECT_EQ(pop(e, t, NULL), 20);
	EXPECT_EQ(le32(pbuf), se_hdr(0, 3, P_POWERCAP, 0));
	EXPECT_EQ(pv(2), 6000);
	EXPECT_EQ(pv(3), 10000);
	EXPECT_EQ(ctl(e, "set powercap 0 power 4000"), 0);
	EXPECT_EQ(CMD(e, P_POWERCAP, 0xb, 0, 1, 3000, 5000), 0);
	EXPECT_EQ(CMD(e, P_POWERCAP, 0xb, 0, 1, 6000, 5000), S_INVALID_PARAMETERS);
	EXPECT_EQ(pop(e, t, NULL), 0);
	EXPECT_EQ(ctl(e, "set powercap 0 power 5500"), 0);
	EXPECT_EQ(pop(e, t + 1, NULL), 16);
	EXPECT_EQ(le32(pbuf), se_hdr(1, 3, P_POWERCAP, 0));
	EXPECT_EQ(pv(2), 5500);
	EXPECT_EQ(pop(e, t + 50 * MS, NULL), 0);
	efree(e);
	return true;
}

/* ---------------------------------------------- queues, ctl, counters */

static bool t_notify_gating(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(ctl(e, "notify clock 0 rate"), 0);
	EXPECT(strstr(ctl_out, "queued 0"), "%s", ctl_out);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 9, 0, 1), 0);
	EXPECT_EQ(ctl(e, "notify clock 0 rate"), 0);
	EXPECT(strstr(ctl_out, "queued 1"), "%s", ctl_out);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 1);
	EXPECT_EQ(ctl(e, "notify clock 1 rate force"), 0);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 2);
	EXPECT_EQ(ctl(e, "notify voltage 0"), -1);
	EXPECT_EQ(ctl(e, "notify clock 9 rate"), -1);
	EXPECT_EQ(ctl(e, "notify clock 0 bogus"), -1);
	EXPECT_EQ(ctl(e, "notify nothing 0"), -1);
	efree(e);
	return true;
}

static bool t_notify_all_events(void)
{
	static const char *const cmds[] = {
		"notify base 0 error", "notify power 0 state",
		"notify system 0 suspend", "notify perf 0 limits",
		"notify perf 0 level", "notify clock 0 rate",
		"notify clock 0 requested", "notify sensor 0 trip",
		"notify sensor 0 update", "notify reset 0 issued",
		"notify powercap 0 cap", "notify powercap 0 measurement",
	};
	static const size_t lens[] = { 12, 16, 20, 20, 16, 20, 20, 16, 28, 16, 20, 16 };
	struct scmi_engine *e = mk();
	char line[80];
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		snprintf(line, sizeof(line), "%s force", cmds[i]);
		EXPECT(ctl(e, line) == 0, "%s: %s", line, ctl_out);
		EXPECT(pop(e, g_now, NULL) == lens[i], "%s: length", cmds[i]);
		EXPECT_EQ((le32(pbuf) >> 8) & 3, 3);
		EXPECT_EQ(pv(0), 0);
	}
	efree(e);
	return true;
}

static bool t_notif_queue_bounded(void)
{
	struct scmi_engine *e = mk();
	int i;

	EXPECT_EQ(CMD(e, P_CLOCK, 9, 0, 1), 0);
	for (i = 0; i < 5000; i++)
		ctl(e, "notify clock 0 rate");
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), SE_NOTIF_CAP);
	EXPECT_EQ(scmi_engine_notifications_dropped(e), 5000 - SE_NOTIF_CAP);
	EXPECT_EQ(ctl(e, "queue-limit 10"), 0);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 10);
	EXPECT_EQ(scmi_engine_notifications_dropped(e), 5000 - 10);
	EXPECT_EQ(ctl(e, "queue-limit 5000"), -1);
	efree(e);
	return true;
}

static bool t_delayed_never_dropped(void)
{
	struct scmi_engine *e = mk();
	int i;

	EXPECT_EQ(CMD(e, P_CLOCK, 9, 0, 1), 0);
	for (i = 0; i < SE_DRESP_CAP; i++)
		EXPECT(CMD(e, P_CLOCK, 5, 1, 0, (i & 1) ? 400000000 : 800000000, 0) == 0,
		       "async %d: %d", i, rstatus());
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 1, 0, 1200000000, 0), S_BUSY);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_DELAYED_RESPONSE), SE_DRESP_CAP);
	for (i = 0; i < SE_NOTIF_CAP + 100; i++)
		ctl(e, "notify clock 0 rate");
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_DELAYED_RESPONSE), SE_DRESP_CAP);
	for (i = 0; i < SE_DRESP_CAP; i++) {
		enum scmi_p2a_kind k;

		EXPECT(pop(e, g_now + MS, &k) == 20 && k == SCMI_P2A_DELAYED_RESPONSE,
		       "delayed %d missing", i);
	}
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 1, 0, 1200000000, 0), 0);
	efree(e);
	return true;
}

static bool t_delayed_held(void)
{
	struct scmi_engine *e = mk();
	uint8_t small[8];
	enum scmi_p2a_kind k;

	EXPECT_EQ(CMD(e, P_CLOCK, 5, 1, 0, 400000000, 0), 0);
	EXPECT_EQ(scmi_engine_pop_p2a(e, g_now + 10 * SEC, small, sizeof(small), &k), 0);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_DELAYED_RESPONSE), 1);
	EXPECT_EQ(pop(e, g_now + 100 * SEC, &k), 20);
	EXPECT_EQ(k, SCMI_P2A_DELAYED_RESPONSE);
	efree(e);
	return true;
}

static bool t_delayed_first(void)
{
	struct scmi_engine *e = mk();
	enum scmi_p2a_kind k;

	EXPECT_EQ(CMD(e, P_CLOCK, 9, 0, 1), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 1, 0, 400000000, 0), 0);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 1);
	EXPECT_EQ(pop(e, g_now, &k), 20);
	EXPECT_EQ(k, SCMI_P2A_NOTIFICATION);		/* delayed not due yet */
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 1, 0, 800000000, 0), 0);
	EXPECT_EQ(pop(e, g_now + 5 * MS, &k), 20);
	EXPECT_EQ(k, SCMI_P2A_DELAYED_RESPONSE);
	EXPECT_EQ(pop(e, g_now + 5 * MS, &k), 20);
	EXPECT_EQ(k, SCMI_P2A_DELAYED_RESPONSE);
	EXPECT_EQ(pop(e, g_now + 5 * MS, &k), 20);
	EXPECT_EQ(k, SCMI_P2A_NOTIFICATION);
	efree(e);
	return true;
}

static bool t_delayed_tokens_order(void)
{
	struct scmi_engine *e = mk();
	uint32_t h1, h2;

	EXPECT_EQ(ctl(e, "delay 5000"), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 1, 0, 400000000, 0), 0);
	h1 = last_hdr;
	EXPECT_EQ(ctl(e, "delay 1000"), 0);
	EXPECT_EQ(CMD(e, P_SENSOR, 6, 0, 1), 0);
	h2 = last_hdr;
	EXPECT_EQ(scmi_engine_next_deadline(e), g_now + MS);
	EXPECT_EQ(pop(e, g_now + MS, NULL), 28);
	EXPECT_EQ(le32(pbuf), (h2 & ~0x300u) | 2u << 8);
	EXPECT_EQ(pop(e, g_now + 4 * MS, NULL), 0);
	EXPECT_EQ(pop(e, g_now + 5 * MS, NULL), 20);
	EXPECT_EQ(le32(pbuf), (h1 & ~0x300u) | 2u << 8);
	EXPECT_EQ(ctl(e, "delay"), 0);
	EXPECT(strstr(ctl_out, "delay 1000 us"), "%s", ctl_out);
	EXPECT_EQ(ctl(e, "delay -1"), -1);
	efree(e);
	return true;
}

static bool t_notify_rate(void)
{
	struct scmi_engine *e = mk();
	uint64_t t0 = g_now;

	EXPECT_EQ(ctl(e, "notify-rate clock 0 rate 1000 1 force"), 0);
	EXPECT_EQ(scmi_engine_next_deadline(e), t0);
	EXPECT_EQ(pop(e, t0 + 500 * MS, NULL), 20);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 500);
	EXPECT_EQ(scmi_engine_next_deadline(e), t0 + 500 * MS);	/* queued then */
	EXPECT_EQ(pop(e, t0 + 2 * SEC, NULL), 20);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 998);
	EXPECT_EQ(ctl(e, "notify-rate sensor 0 10000 10"), 0);	/* not enabled */
	EXPECT_EQ(pop(e, t0 + 5 * SEC, NULL), 20);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 997);
	EXPECT_EQ(ctl(e, "notify-rate off"), 0);
	EXPECT_EQ(ctl(e, "notify-rate clock 0 rate 0 1"), -1);
	EXPECT_EQ(ctl(e, "notify-rate clock 9 rate 10 1"), -1);
	efree(e);
	return true;
}

static bool t_p2a_off(void)
{
	struct scmi_engine *e = mk();

	scmi_engine_set_p2a(e, false);
	EXPECT_EQ(CMD(e, P_BASE, 8, 1), S_NOT_SUPPORTED);
	EXPECT_EQ(CMD(e, P_POWER, 6, 0, 1), S_NOT_SUPPORTED);
	EXPECT_EQ(CMD(e, P_CLOCK, 9, 0, 1), S_NOT_SUPPORTED);
	EXPECT_EQ(CMD(e, P_SENSOR, 0xb, 0, 1), S_NOT_SUPPORTED);
	EXPECT_EQ(CMD(e, P_POWERCAP, 5, 0, 2, 3000), S_NOT_SUPPORTED);
	EXPECT_EQ(CMD(e, P_VOLTAGE, 7, 0, 1, 800000), S_NOT_SUPPORTED);
	EXPECT_EQ(CMD(e, P_POWER, 3, 0), 0);
	EXPECT_EQ(rv(0) >> 31, 0);
	EXPECT_EQ(CMD(e, P_SENSOR, 3, 0), 0);
	EXPECT_EQ(le32(rbuf + 16) >> 30, 0);
	EXPECT_EQ(ctl(e, "notify clock 0 rate force"), 0);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 0);
	EXPECT_EQ(ctl(e, "p2a on"), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 9, 0, 1), 0);
	efree(e);
	return true;
}

static bool t_engine_reset(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_CLOCK, 9, 0, 1), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 1, 0, 1600000000, 0), 0);
	EXPECT_EQ(CMD(e, P_POWER, 4, 0, 0, POWER_ON), 0);
	EXPECT_EQ(ctl(e, "notify-rate clock 0 rate 10 100"), 0);
	scmi_engine_reset(e);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_DELAYED_RESPONSE), 0);
	EXPECT_EQ(scmi_engine_p2a_pending(e, SCMI_P2A_NOTIFICATION), 0);
	EXPECT_EQ(scmi_engine_next_deadline(e), UINT64_MAX);
	EXPECT_EQ(CMD(e, P_CLOCK, 6, 0), 0);
	EXPECT_EQ(rv(0), 800000000);
	EXPECT_EQ(CMD(e, P_POWER, 5, 0), 0);
	EXPECT_EQ(rv(0), POWER_OFF);
	EXPECT_EQ(ctl(e, "notify clock 0 rate"), 0);
	EXPECT(strstr(ctl_out, "queued 0"), "enable survived reset: %s", ctl_out);
	EXPECT_EQ(scmi_engine_count(e, P_CLOCK, 5), 1);	/* counters kept */
	EXPECT_EQ(ctl(e, "reset"), 0);
	efree(e);
	return true;
}

static bool t_counters(void)
{
	struct scmi_engine *e = mk();
	int i;

	for (i = 0; i < 5; i++)
		CMD(e, P_CLOCK, 6, 0);
	CMD(e, P_CLOCK, 6, 0, 0);			/* bad length */
	CMD0(e, 0x42, 0x99);				/* unknown protocol */
	EXPECT_EQ(scmi_engine_count(e, P_CLOCK, 6), 6);
	EXPECT_EQ(scmi_engine_count(e, 0x42, 0x99), 1);
	EXPECT_EQ(scmi_engine_count(e, P_CLOCK, 5), 0);
	EXPECT_EQ(ctl(e, "stats"), 0);
	EXPECT(strstr(ctl_out, "req 0x14 0x06 clock 6\n"), "stats: %s", ctl_out);
	EXPECT(strstr(ctl_out, "req 0x42 0x99 unknown 1\n"), "stats: %s", ctl_out);
	EXPECT(strstr(ctl_out, "notif_dropped 0\n"), "stats: %s", ctl_out);
	efree(e);
	return true;
}

static bool t_inject(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(ctl(e, "inject clock 6 BUSY 2"), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 6, 0), S_BUSY);
	EXPECT_EQ(rlen, 8);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 0, 0, 400000000, 0), 0);	/* other msg */
	EXPECT_EQ(CMD(e, P_CLOCK, 6, 0), S_BUSY);
	EXPECT_EQ(CMD(e, P_CLOCK, 6, 0), 0);			/* used up */
	EXPECT_EQ(rv(0), 400000000);
	EXPECT_EQ(ctl(e, "inject 0x10 0 -8"), 0);
	EXPECT_EQ(CMD0(e, P_BASE, 0), S_GENERIC_ERROR);
	EXPECT_EQ(ctl(e, "inject sensor 6 HARDWARE_ERROR 100"), 0);
	EXPECT_EQ(ctl(e, "inject off"), 0);
	EXPECT_EQ(CMD(e, P_SENSOR, 6, 0, 0), 0);
	EXPECT_EQ(scmi_engine_count(e, P_CLOCK, 6), 3);
	EXPECT_EQ(ctl(e, "stats"), 0);
	EXPECT(strstr(ctl_out, "injected 3\n"), "stats: %s", ctl_out);
	EXPECT_EQ(ctl(e, "inject clock 6 SUCCESS"), -1);
	EXPECT_EQ(ctl(e, "inject clock 256 BUSY"), -1);
	EXPECT_EQ(ctl(e, "inject clock 6 BUSY 0"), -1);
	efree(e);
	return true;
}

static bool t_ctl_errors(void)
{
	struct scmi_engine *e = mk();

	FILE *f = fopen("/dev/null", "w");

	EXPECT_EQ(scmi_engine_ctl(e, 0, NULL, f, g_now), -1);
	fclose(f);
	EXPECT_EQ(ctl(e, "frobnicate"), -1);
	EXPECT(strstr(ctl_out, "error"), "%s", ctl_out);
	EXPECT_EQ(ctl(e, "state extra"), -1);
	EXPECT_EQ(ctl(e, "p2a maybe"), -1);
	EXPECT_EQ(ctl(e, "max-msg 4"), -1);
	EXPECT_EQ(ctl(e, "max-msg 256"), 0);
	EXPECT_EQ(ctl(e, "help"), 0);
	EXPECT(strstr(ctl_out, "notify-rate"), "%s", ctl_out);
	efree(e);
	return true;
}

static bool t_ctl_set(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(ctl(e, "set clock 1 rate 123"), -1);
	EXPECT_EQ(ctl(e, "set clock 1 rate 300000000"), 0);
	EXPECT_EQ(e->r.clk[1].rate, 300000000);
	EXPECT_EQ(ctl(e, "set clock 1 enabled 1"), 0);
	EXPECT_EQ(ctl(e, "set power 1 state on"), 0);
	EXPECT_EQ(e->r.pwr[1].state, POWER_ON);
	EXPECT_EQ(ctl(e, "set perf 0 level 1500"), 0);
	EXPECT_EQ(ctl(e, "set perf 0 level 1501"), -1);
	EXPECT_EQ(ctl(e, "set perf 0 limits 500 1000"), 0);
	EXPECT_EQ(e->r.perf[0].level, 1000);
	EXPECT_EQ(ctl(e, "set voltage 0 level 123"), -1);
	EXPECT_EQ(ctl(e, "set voltage 0 config off"), 0);
	EXPECT_EQ(ctl(e, "set reset 2 state asserted"), 0);
	EXPECT_EQ(ctl(e, "set powercap 0 cap 2000"), 0);
	EXPECT_EQ(ctl(e, "set powercap 0 pai 3000"), 0);
	EXPECT_EQ(ctl(e, "set system 0 state 4"), 0);
	EXPECT_EQ(ctl(e, "set clock 0 bogus 1"), -1);
	EXPECT_EQ(ctl(e, "set clock"), -1);
	efree(e);
	return true;
}

/* ------------------------------------------------------------- config */

static int write_conf(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	return 0;
}

static char tmpconf[256];

static struct scmi_engine *conf(const char *text, char *err, size_t errlen)
{
	write_conf(tmpconf, text);
	return track(scmi_engine_new(tmpconf, err, errlen));
}

static bool t_default_conf_equals_builtin(void)
{
	char path[512], err[256], *a, *b;
	struct scmi_engine *e1 = mk(), *e2;
	size_t la, lb;
	FILE *f;

	snprintf(path, sizeof(path), "%s/default.conf", srcdir);
	e2 = track(scmi_engine_new(path, err, sizeof(err)));
	EXPECT(e2, "default.conf: %s", err);
	f = open_memstream(&a, &la);
	se_dump_state(e1, f, g_now);
	fclose(f);
	f = open_memstream(&b, &lb);
	se_dump_state(e2, f, g_now);
	fclose(f);
	EXPECT(la > 1000 && la == lb && !memcmp(a, b, la), "dumps differ");
	EXPECT(strstr(a, "clock 0 scmi_clk_cpu rates=400000000,800000000,1200000000,1600000000 rate=800000000 enabled=1"),
	       "dump lacks scmi_clk_cpu: %.200s", a);
	free(a);
	free(b);
	efree(e1);
	efree(e2);
	return true;
}

static bool conf_error(const char *text, const char *want)
{
	char err[256], full[300];
	struct scmi_engine *e = conf(text, err, sizeof(err));

	if (e)
		efree(e);
	EXPECT(!e, "accepted bad config (want '%s')", want);
	snprintf(full, sizeof(full), "%s:%s", tmpconf, want);
	EXPECT(strstr(err, full), "error '%s', want '%s'", err, full);
	return true;
}

#define CONF_ERR_TEST(fn, text, want)					\
	static bool fn(void) { return conf_error(text, want); }

CONF_ERR_TEST(t_conf_unknown_key, "[clock]\nname=a\nrates=1\ncolour=red\n",
	      "4: unknown key 'colour'")
CONF_ERR_TEST(t_conf_bad_number, "[clock]\nname=a\nrates=1 2x\n",
	      "3: rates: bad number '2x'")
CONF_ERR_TEST(t_conf_dup_name, "[power]\nname=p\n[power]\nname=p\n",
	      "4: name: duplicate power name 'p'")
CONF_ERR_TEST(t_conf_unknown_section, "\n[gpio]\n", "2: unknown section [gpio]")
CONF_ERR_TEST(t_conf_missing_name, "[reset]\nlatency_us=3\n[reset]\nname=r\n",
	      "1: [reset] section without name=")
CONF_ERR_TEST(t_conf_rate_not_listed, "[clock]\nname=c\nrates=10 20\nrate=15\n",
	      "1: clock 'c': rate 15 is not one of its rates")
CONF_ERR_TEST(t_conf_dup_key, "[sensor]\nname=s\ntype=2\ntype=3\n",
	      "4: duplicate key 'type'")
CONF_ERR_TEST(t_conf_key_before_section, "name=x\n", "1: 'name' before any [section]")
CONF_ERR_TEST(t_conf_bad_bool, "[power]\nname=p\nasync=perhaps\n",
	      "3: async: expected yes or no, got 'perhaps'")
CONF_ERR_TEST(t_conf_rates_order, "[clock]\nname=c\nrates=20 10\n",
	      "3: rates: must be strictly ascending")
CONF_ERR_TEST(t_conf_perf_level, "[perf]\nname=p\nopp=1 1 1 1\nopp=2 2 2 2\nlevel=3\n",
	      "1: perf 'p': level 3 is not an OPP level")
CONF_ERR_TEST(t_conf_pcap_missing, "[powercap]\nname=z\ncap_range=1 10 1\n",
	      "1: powercap 'z': cap_range= and pai_range= are required")
CONF_ERR_TEST(t_conf_pcap_parent, "[powercap]\nname=z\ncap_range=1 10 1\npai_range=5 5 0\nparent=0\n",
	      "5: parent: 0 is not an earlier powercap domain")
CONF_ERR_TEST(t_conf_name_too_long,
	      "[clock]\nname=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	      "2: name: 'aaaa")
CONF_ERR_TEST(t_conf_range_step, "[clock]\nname=c\nrange=10 25 10\n",
	      "3: range: max is not min + n * step")
CONF_ERR_TEST(t_conf_out_of_range, "[sensor]\nname=s\ntrip_points=9\n",
	      "3: trip_points: 9 out of range 0..4")
CONF_ERR_TEST(t_conf_no_equals, "[platform]\nvendor\n", "2: expected key = value")
CONF_ERR_TEST(t_conf_unknown_protocol, "[platform]\nprotocols=clock gpio\n",
	      "2: protocols: unknown protocol 'gpio'")
CONF_ERR_TEST(t_conf_both_rates_range, "[clock]\nname=c\nrates=1\nrange=1 2 1\n",
	      "1: clock 'c': give exactly one of rates= or range=")
CONF_ERR_TEST(t_conf_too_many_rates,
	      "[clock]\nname=c\nrates=1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n",
	      "3: rates: 1..16 rates expected")
CONF_ERR_TEST(t_conf_negative, "[clock]\nname=c\nrates=-5\n",
	      "3: rates: bad number '-5'")

static bool t_conf_too_many(void)
{
	char *text = malloc(64 * 40), *p = text;
	bool ok;
	int i;

	for (i = 0; i < SE_MAX_RES + 1; i++)
		p += sprintf(p, "[reset]\nname=r%d\n", i);
	ok = conf_error(text, "65: too many [reset] sections (max 32)");
	free(text);
	return ok;
}

static bool t_conf_missing_file(void)
{
	char err[256];
	struct scmi_engine *e = track(scmi_engine_new("/nonexistent/x.conf", err, sizeof(err)));

	EXPECT(!e, "opened a missing file");
	EXPECT(strstr(err, "/nonexistent/x.conf:0: cannot open"), "err '%s'", err);
	return true;
}

static bool t_conf_subset(void)
{
	char err[256];
	struct scmi_engine *e = conf("[platform]\nprotocols = clock\nvendor=acme\n"
				     "[clock]\nname=only\nrange=10 100 10\nrate=50\n",
				     err, sizeof(err));

	EXPECT(e, "rejected: %s", err);
	EXPECT_EQ(CMD0(e, P_BASE, 1), 0);
	EXPECT_EQ(rv(0) & 0xff, 1);
	EXPECT_EQ(CMD(e, P_BASE, 6, 0), 0);
	EXPECT_EQ(rv(0), 1);
	EXPECT_EQ(rbuf[12], P_CLOCK);
	EXPECT_EQ(CMD0(e, P_POWER, 0), S_NOT_SUPPORTED);
	EXPECT_EQ(CMD0(e, P_BASE, 3), 0);
	EXPECT(!strcmp((char *)rbuf + 8, "acme"), "vendor '%s'", rbuf + 8);
	EXPECT_EQ(CMD(e, P_CLOCK, 6, 0), 0);
	EXPECT_EQ(rv(0), 50);
	EXPECT_EQ(CMD0(e, P_CLOCK, 1), 0);
	EXPECT_EQ(rv(0) & 0xffff, 1);
	efree(e);
	return true;
}

static bool t_conf_engine_settings(void)
{
	char err[256];
	struct scmi_engine *e = conf("[platform]\ndelay_us = 250\nmax_msg = 48\n"
				     "[clock]\nname=c\nrates=400000000\n"
				     "[perf]\nname=p\nopp=1 1 1 1\nopp=2 2 2 2\nopp=3 3 3 3\nopp=4 4 4 4\n",
				     err, sizeof(err));

	EXPECT(e, "rejected: %s", err);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 1, 0, 400000000, 0), 0);
	EXPECT_EQ(scmi_engine_next_deadline(e), g_now + 250000);
	EXPECT_EQ(CMD(e, P_PERF, 4, 0, 0), 0);
	EXPECT_EQ(rv(0), 2 | 2u << 16);
	EXPECT_EQ(ctl(e, "delay"), 0);
	EXPECT(strstr(ctl_out, "delay 250 us"), "%s", ctl_out);
	efree(e);
	return true;
}

static bool t_conf_comments_blank(void)
{
	char err[256];
	struct scmi_engine *e = conf("# hi\n\n  [power]   \n name = p  # tail\n"
				     "state=off\n\n", err, sizeof(err));

	EXPECT(e, "rejected: %s", err);
	EXPECT_EQ(CMD(e, P_POWER, 5, 0), 0);
	EXPECT_EQ(rv(0), POWER_OFF);
	EXPECT_EQ(CMD(e, P_POWER, 3, 0), 0);
	EXPECT(!strcmp((char *)rbuf + 12, "p"), "name '%s'", rbuf + 12);
	efree(e);
	return true;
}

/* --------------------------------------------------------------- fuzz */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static bool check_p2a(const uint8_t *b, size_t n, enum scmi_p2a_kind k)
{
	uint32_t h = le32(b);
	uint8_t proto = (h >> 10) & 0xff;

	if (n < 8 || n > SE_P2A_BUF || ((h >> 8) & 3) != (uint32_t)k)
		return false;
	if (proto < P_BASE || proto >= P_BASE + SE_NPROTO)
		return false;
	if (k == SCMI_P2A_DELAYED_RESPONSE && le32(b + 4) != 0)
		return false;
	return true;
}

static bool t_fuzz(void)
{
	struct scmi_engine *e = mk();
	uint8_t req[64], out[SCMI_ENGINE_MAX_SDU], *exact;
	enum scmi_p2a_kind k;
	uint64_t now = g_now;
	size_t len, n, cap;
	int i, j;
	int32_t s;

	ctl(e, "delay 0");
	for (i = 0; i < 200000; i++) {
		uint8_t proto = (rnd() % 16) ? (uint8_t)(P_BASE + rnd() % SE_NPROTO) :
			(uint8_t)rnd();
		uint8_t msg = (rnd() % 8) ? (uint8_t)(rnd() % 17) : (uint8_t)rnd();
		uint32_t type = (rnd() % 32) ? 0 : rnd() % 4;

		put32(req, se_hdr(msg, (uint8_t)type, proto, rnd()) | (rnd() % 64 ? 0 : 0xf0000000u));
		len = (rnd() % 4) ? 4 + 4 * (rnd() % 5) : rnd() % sizeof(req);
		for (j = 4; j < (int)sizeof(req); j++)
			req[j] = (rnd() % 3) ? (uint8_t)(rnd() % 4) : (uint8_t)rnd();
		/* switch notifications on often so the queues fill up */
		if (!(rnd() % 16) && len >= 8)
			put32(req + 8, 1);
		cap = (rnd() % 8) ? 8 + SE_DEFAULT_MAX_MSG : 8 + rnd() % 200;
		now += rnd() % 100000;
		/* an exactly sized heap buffer: ASan sees any overrun */
		exact = malloc(cap);
		n = scmi_engine_handle(e, req, len, exact, cap, now);
		memcpy(out, exact, n < cap ? n : cap);
		free(exact);
		if (len < 4) {
			EXPECT(n == 0, "len %zu answered", len);
			continue;
		}
		EXPECT(n >= 8 && n <= cap && n <= 8 + SE_DEFAULT_MAX_MSG,
		       "iteration %d: reply length %zu (cap %zu)", i, n, cap);
		EXPECT(le32(out) == le32(req), "iteration %d: header not echoed", i);
		s = (int32_t)le32(out + 4);
		EXPECT(s <= 0 && s >= -10, "iteration %d: status %d", i, s);
		EXPECT(s == 0 || n == 8, "iteration %d: error %d with %zu bytes", i, s, n);
		if (!(i % 7))
			while ((n = scmi_engine_pop_p2a(e, now, out, sizeof(out), &k)))
				EXPECT(check_p2a(out, n, k), "iteration %d: bad P2A", i);
		if (!(i % 5000))
			scmi_engine_reset(e);
		if (!(i % 997)) {
			ctl(e, "notify-rate clock 0 rate 100000 1 force");
			ctl(e, "set sensor 0 value 47000");
		}
	}
	efree(e);
	return true;
}

static bool t_fuzz_ctl(void)
{
	static const char *const words[] = {
		"notify", "notify-rate", "set", "state", "stats", "delay", "p2a",
		"reset", "max-msg", "queue-limit", "clock", "sensor", "power",
		"perf", "reset", "voltage", "powercap", "system", "base", "0", "1",
		"99", "-1", "rate", "value", "level", "limits", "state", "on",
		"off", "cap", "pai", "force", "auto", "1000", "0x10", "",
	};
	struct scmi_engine *e = mk();
	char *argv[8];
	FILE *f = fopen("/dev/null", "w");
	int i, j, argc;

	for (i = 0; i < 20000; i++) {
		argc = 1 + (int)(rnd() % 7);
		for (j = 0; j < argc; j++)
			argv[j] = (char *)words[rnd() % (sizeof(words) / sizeof(words[0]))];
		scmi_engine_ctl(e, argc, argv, f, g_now + (uint64_t)i * MS);
	}
	fclose(f);
	efree(e);
	return true;
}

/* -------------------------------------------------------------- bench */

static uint64_t mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * SEC + (uint64_t)ts.tv_nsec;
}

static double bench_one(struct scmi_engine *e, uint8_t proto, uint8_t msg,
			const uint32_t *params, int n, int iters)
{
	uint8_t req[64], out[SCMI_ENGINE_MAX_SDU];
	uint64_t t0, t1;
	size_t len = 4 + 4 * (size_t)n;
	int i;

	put32(req, se_hdr(msg, 0, proto, 1));
	for (i = 0; i < n; i++)
		put32(req + 4 + 4 * i, params[i]);
	t0 = mono();
	for (i = 0; i < iters; i++)
		scmi_engine_handle(e, req, len, out, sizeof(out), g_now);
	t1 = mono();
	return (double)(t1 - t0) / iters;
}

static bool t_bench(void)
{
	struct scmi_engine *e = mk();
	const uint32_t rate_get[] = { 0 };
	const uint32_t rate_set[] = { 0, 0, 800000000, 0 };
	const uint32_t describe[] = { 3, 0 };
	const uint32_t sensor[] = { 0, 0 };
	double a, b, c, d;
#if defined(__SANITIZE_ADDRESS__)
	const double limit = 20000;
	const char *mode = "sanitizers on";
#else
	const double limit = 2000;
	const char *mode = "-O2";
#endif

	a = bench_one(e, P_CLOCK, 6, rate_get, 1, 1000000);
	b = bench_one(e, P_CLOCK, 5, rate_set, 4, 200000);
	c = bench_one(e, P_CLOCK, 4, describe, 2, 200000);
	d = bench_one(e, P_SENSOR, 6, sensor, 2, 200000);
	printf("# bench (%s): CLOCK_RATE_GET %.0f ns/cmd (1M calls), CLOCK_RATE_SET %.0f,"
	       " CLOCK_DESCRIBE_RATES(15 rates) %.0f, SENSOR_READING_GET %.0f\n",
	       mode, a, b, c, d);
	EXPECT(a < limit && b < limit && c < limit && d < limit,
	       "slower than %.0f ns per command", limit);
	efree(e);
	return true;
}

/* ---------------------------------------------------------- state log */

/* the line of ctl_out (after "state-log") that holds @needle, or NULL */
static const char *slog_line(const char *needle)
{
	return strstr(ctl_out, needle);
}

static int slog_lines(void)
{
	const char *p;
	int n = 0;

	for (p = ctl_out; (p = strchr(p, '\n')); p++)
		n++;
	return n - 1;	/* the "dropped N" line */
}

static bool t_state_log(void)
{
	struct scmi_engine *e = mk();
	char want[128];

	EXPECT_EQ(ctl(e, "state-log"), 0);
	EXPECT(!strcmp(ctl_out, "dropped 0\n"), "fresh log: %s", ctl_out);
	EXPECT_EQ(CMD(e, P_POWER, 4, 0, 0, POWER_ON), 0);
	EXPECT_EQ(CMD(e, P_POWER, 4, 0, 0, POWER_ON), 0);	/* no change */
	g_now += MS;
	EXPECT_EQ(CMD(e, P_CLOCK, 7, 1, 1, 0), 0);		/* enable */
	g_now += MS;
	EXPECT_EQ(CMD(e, P_RESET, 4, 1, 2, 0), 0);		/* assert */
	EXPECT_EQ(CMD(e, P_RESET, 4, 1, 0, 0), 0);		/* deassert */
	EXPECT_EQ(CMD(e, P_PERF, 7, 0, 1500), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 5, 0, 0, 400000000, 0), 0);	/* rate */
	/* refused: no state change, nothing logged */
	EXPECT_EQ(ctl(e, "inject power 4 DENIED"), 0);
	EXPECT_EQ(CMD(e, P_POWER, 4, 0, 0, POWER_OFF), -3);
	EXPECT_EQ(ctl(e, "set power 0 state off"), 0);
	EXPECT_EQ(ctl(e, "state-log"), 0);
	EXPECT_EQ(slog_lines(), 7);
	snprintf(want, sizeof(want), "%" PRIu64 " power 0 pd_gpu state off on ospm\n",
		 (uint64_t)(g_now - 2 * MS));
	EXPECT(!strncmp(ctl_out, want, strlen(want)), "first line: %s", ctl_out);
	snprintf(want, sizeof(want), "%" PRIu64 " clock 1 scmi_clk_gpu enabled no yes ospm\n",
		 (uint64_t)(g_now - MS));
	EXPECT(slog_line(want), "no '%s' in %s", want, ctl_out);
	EXPECT(slog_line(" reset 1 rst_gpu asserted no yes ospm\n"), "%s", ctl_out);
	EXPECT(slog_line(" reset 1 rst_gpu asserted yes no ospm\n"), "%s", ctl_out);
	EXPECT(slog_line(" perf 0 perf_cpu0 level 1000 1500 ospm\n"), "%s", ctl_out);
	EXPECT(slog_line(" clock 0 scmi_clk_cpu rate 800000000 400000000 ospm\n"),
	       "%s", ctl_out);
	EXPECT(slog_line(" power 0 pd_gpu state on off platform\n"), "%s", ctl_out);
	/* in order: the assert before the deassert */
	EXPECT(slog_line("asserted no yes") < slog_line("asserted yes no"), "%s", ctl_out);
	EXPECT_EQ(ctl(e, "state-log-clear"), 0);
	EXPECT_EQ(ctl(e, "state-log"), 0);
	EXPECT(!strcmp(ctl_out, "dropped 0\n"), "after clear: %s", ctl_out);
	efree(e);
	return true;
}

/* A device reset puts the configured state back: logged as "reset". */
static bool t_state_log_reset(void)
{
	struct scmi_engine *e = mk();

	EXPECT_EQ(CMD(e, P_POWER, 4, 0, 0, POWER_ON), 0);
	EXPECT_EQ(CMD(e, P_CLOCK, 7, 1, 1, 0), 0);
	EXPECT_EQ(ctl(e, "state-log-clear"), 0);
	scmi_engine_reset(e);
	EXPECT_EQ(ctl(e, "state-log"), 0);
	EXPECT_EQ(slog_lines(), 2);
	EXPECT(slog_line(" power 0 pd_gpu state on off reset\n"), "%s", ctl_out);
	EXPECT(slog_line(" clock 1 scmi_clk_gpu enabled yes no reset\n"), "%s", ctl_out);
	efree(e);
	return true;
}

/* A full log drops its oldest entries and counts them. */
static bool t_state_log_ring(void)
{
	struct scmi_engine *e = mk();
	int i;

	for (i = 0; i < SE_SLOG_CAP + 10; i++) {
		g_now++;
		EXPECT_EQ(CMD(e, P_POWER, 4, 0, 0, i & 1 ? POWER_OFF : POWER_ON), 0);
	}
	EXPECT_EQ(ctl(e, "state-log"), 0);
	EXPECT_EQ(slog_lines(), SE_SLOG_CAP);
	EXPECT(strstr(ctl_out, "dropped 10\n"), "no drop count: %s",
	       ctl_out + strlen(ctl_out) - 20);
	EXPECT_EQ(strtoull(ctl_out, NULL, 10), g_now - SE_SLOG_CAP + 1);
	efree(e);
	return true;
}

/* ------------------------------------------------------------- runner */

struct test {
	const char *name;
	bool (*fn)(void);
};

#define T(x) { #x, t_##x }

static const struct test tests[] = {
	T(new_default), T(short_request), T(token_echo), T(non_command_type),
	T(unknown_protocol), T(unknown_message), T(bad_length_short),
	T(bad_length_long), T(error_is_status_only), T(small_buffer), T(protocol_versions),
	T(msg_attributes), T(base_attributes), T(base_vendor),
	T(base_list_protocols), T(base_discover_agent), T(base_notify_errors),
	T(power_attrs), T(power_state), T(power_bad), T(power_notify),
	T(power_name), T(system), T(system_notify), T(perf_attrs),
	T(perf_describe), T(perf_describe_paged), T(perf_level), T(perf_limits),
	T(perf_notify), T(clock_attrs), T(clock_extended_name),
	T(clock_describe_discrete), T(clock_describe_range),
	T(clock_describe_paged), T(clock_rate_set_sync),
	T(clock_rate_out_of_range), T(clock_rate_rounding), T(clock_rate_async),
	T(clock_async_ignore), T(clock_async_no_p2a), T(clock_config),
	T(clock_config_bad), T(clock_notify), T(sensor_attrs),
	T(sensor_describe), T(sensor_reading), T(sensor_wave_bounds),
	T(sensor_async), T(sensor_override), T(sensor_trip),
	T(sensor_update_notify), T(sensor_config), T(sensor_intervals),
	T(reset_attrs), T(reset_autonomous), T(reset_assert), T(reset_async),
	T(reset_bad), T(voltage_describe), T(voltage_level), T(voltage_config),
	T(voltage_async), T(powercap_attrs), T(powercap_cap), T(powercap_async),
	T(powercap_pai), T(powercap_measure), T(powercap_notify),
	T(notify_gating), T(notify_all_events), T(notif_queue_bounded),
	T(delayed_never_dropped), T(delayed_held), T(delayed_first),
	T(delayed_tokens_order), T(notify_rate), T(p2a_off), T(engine_reset),
	T(counters), T(inject), T(state_log), T(state_log_reset), T(state_log_ring), T(ctl_errors), T(ctl_set), T(default_conf_equals_builtin),
	T(conf_unknown_key), T(conf_bad_number), T(conf_dup_name),
	T(conf_unknown_section), T(conf_missing_name), T(conf_rate_not_listed),
	T(conf_dup_key), T(conf_key_before_section), T(conf_bad_bool),
	T(conf_rates_order), T(conf_perf_level), T(conf_pcap_missing),
	T(conf_pcap_parent), T(conf_name_too_long), T(conf_range_step),
	T(conf_out_of_range), T(conf_no_equals), T(conf_unknown_protocol),
	T(conf_both_rates_range), T(conf_too_many_rates), T(conf_negative), T(conf_too_many),
	T(conf_missing_file), T(conf_subset), T(conf_engine_settings), T(conf_comments_blank), T(fuzz),
	T(fuzz_ctl), T(bench),
};

int main(int argc, char **argv)
{
	int i, passed = 0, failed = 0, num = 0;
	bool bench_only = false;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--bench-only"))
			bench_only = true;
		else
			srcdir = argv[i];
	}
	snprintf(tmpconf, sizeof(tmpconf), "/tmp/scmi-engine-test-%d.conf", (int)getpid());
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < (int)(sizeof(tests) / sizeof(tests[0])); i++) {
		if (bench_only && strcmp(tests[i].name, "bench"))
			continue;
		why[0] = '\0';
		num++;
		bool ok = tests[i].fn();

		free_live();
		if (ok) {
			passed++;
			printf("ok %d - %s\n", num, tests[i].name);
		} else {
			failed++;
			printf("not ok %d - %s: %s\n", num, tests[i].name, why);
		}
	}
	unlink(tmpconf);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
