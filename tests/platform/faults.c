// SPDX-License-Identifier: GPL-2.0
/*
 * faults.c - fault injection and fuzzing of SCMI responses.
 *
 * Per-response faults are rules matched against each command response
 * (optionally by protocol and message id) and applied to at most one rule
 * per response; each rule has a count or is permanent.  stall and
 * eventq-starve are switches; delayed-orphan and notify-disabled make P2A
 * messages right away.  Fuzzing mutates a deterministic fraction of
 * responses and P2A messages.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

const char *const fault_names[FAULT_NKINDS] = {
	[FAULT_DELAY] = "delay",
	[FAULT_DROP] = "drop",
	[FAULT_REORDER] = "reorder",
	[FAULT_DUPLICATE] = "duplicate",
	[FAULT_TOKEN] = "token",
	[FAULT_HEADER] = "header",
	[FAULT_TRUNCATE] = "truncate",
	[FAULT_OVERSIZE] = "oversize",
	[FAULT_GARBAGE] = "garbage",
	[FAULT_STALL] = "stall",
	[FAULT_EVQ_STARVE] = "eventq-starve",
	[FAULT_DELAYED_ORPHAN] = "delayed-orphan",
	[FAULT_NOTIFY_DISABLED] = "notify-disabled",
	[FAULT_STATUS] = "status",
};

#define HDR_MSG(h)	((h) & 0xff)
#define HDR_TYPE(h)	(((h) >> 8) & 0x3)
#define HDR_PROTO(h)	(((h) >> 10) & 0xff)
#define HDR_TOKEN(h)	(((h) >> 18) & 0x3ff)
#define HDR_MAKE(msg, type, proto, token) \
	((uint32_t)(msg) | (uint32_t)(type) << 8 | (uint32_t)(proto) << 10 | \
	 (uint32_t)(token) << 18)

/**
 * faults_rand() - next value of a splitmix64 generator
 * @state: generator state
 *
 * Return: 64 pseudo-random bits.
 */
uint64_t faults_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/**
 * faults_init() - nothing armed
 * @f: state
 */
void faults_init(struct faults *f)
{
	memset(f, 0, sizeof(*f));
	f->rng = 0x5c4d1;
}

static bool parse_num(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

/* An SCMI error status, -1 (NOT_SUPPORTED) to -10 (PROTOCOL_ERROR) */
static bool parse_status(const char *s, uint64_t *v)
{
	char *end;
	long n;

	if (!s || *s != '-')
		return false;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || *end || n < -10 || n > -1)
		return false;
	*v = (uint32_t)(int32_t)n;
	return true;
}

static int kind_from_name(const char *s)
{
	int i;

	for (i = 0; i < FAULT_NKINDS; i++)
		if (!strcmp(s, fault_names[i]))
			return i;
	return -1;
}

/**
 * faults_parse() - arm a fault from a control command
 * @f: state
 * @argc: words after "fault"
 * @argv: the words: KIND [ARG] [count=N|always] [proto=P] [msg=M] [token=T]
 * @err: reason on failure
 * @errlen: size of @err
 * @immediate: for delayed-orphan / notify-disabled, the rule to act on now
 *
 * Return: 0 when armed (or cleared), 1 when @immediate must be sent now
 * (@immediate->count messages), -1 on a bad command.
 */
int faults_parse(struct faults *f, int argc, char **argv, char *err, size_t errlen,
		 struct fault_rule *immediate)
{
	struct fault_rule r = { .count = 1, .proto = -1, .msg = -1 };
	bool have_arg = false, count_given = false;
	uint64_t v;
	int kind, i;

	if (argc < 1) {
		snprintf(err, errlen, "fault needs a kind");
		return -1;
	}
	if (!strcmp(argv[0], "clear")) {
		f->nrules = 0;
		f->stall = false;
		f->starve = false;
		return 0;
	}
	kind = kind_from_name(argv[0]);
	if (kind < 0) {
		snprintf(err, errlen, "unknown fault kind '%s'", argv[0]);
		return -1;
	}
	r.kind = kind;
	switch (kind) {
	case FAULT_REORDER:
		r.arg = 1000;
		break;
	case FAULT_OVERSIZE:
		r.arg = 64;
		break;
	case FAULT_HEADER:
		r.mode = 7;
		break;
	case FAULT_DELAYED_ORPHAN:
		r.proto = 0x14;
		r.msg = 0x5;
		r.mode = -1;
		break;
	case FAULT_NOTIFY_DISABLED:
		r.proto = 0x14;
		r.msg = 0x0;
		r.mode = -1;
		break;
	case FAULT_STATUS:
		r.arg = (uint32_t)-8;	/* GENERIC_ERROR */
		break;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "always")) {
			r.count = FAULT_ALWAYS;
			count_given = true;
		} else if (!strncmp(a, "count=", 6)) {
			if (!strcmp(a + 6, "always")) {
				r.count = FAULT_ALWAYS;
			} else if (!parse_num(a + 6, &v) || !v || v > 1000000) {
				snprintf(err, errlen, "bad count '%s'", a + 6);
				return -1;
			} else {
				r.count = v;
			}
			count_given = true;
		} else if (!strncmp(a, "proto=", 6)) {
			if (!parse_num(a + 6, &v) || v > 0xff) {
				snprintf(err, errlen, "bad protocol id '%s'", a + 6);
				return -1;
			}
			r.proto = v;
		} else if (!strncmp(a, "msg=", 4)) {
			if (!parse_num(a + 4, &v) || v > 0xff) {
				snprintf(err, errlen, "bad message id '%s'", a + 4);
				return -1;
			}
			r.msg = v;
		} else if (!strncmp(a, "token=", 6) && (kind == FAULT_DELAYED_ORPHAN ||
							kind == FAULT_NOTIFY_DISABLED)) {
			if (!parse_num(a + 6, &v) || v > 0x3ff) {
				snprintf(err, errlen, "bad token '%s'", a + 6);
				return -1;
			}
			r.mode = v;
		} else if (!have_arg && (kind == FAULT_DELAY || kind == FAULT_TRUNCATE ||
					 kind == FAULT_OVERSIZE || kind == FAULT_REORDER) &&
			   parse_num(a, &v)) {
			if (v > 3600000) {
				snprintf(err, errlen, "argument '%s' too large", a);
				return -1;
			}
			r.arg = v;
			have_arg = true;
		} else if (!have_arg && kind == FAULT_STATUS && parse_status(a, &v)) {
			r.arg = v;
			have_arg = true;
		} else if (!have_arg && kind == FAULT_TOKEN &&
			   (!strcmp(a, "unknown") || !strcmp(a, "stale") || !strcmp(a, "random"))) {
			r.mode = !strcmp(a, "unknown") ? 0 : !strcmp(a, "stale") ? 1 : 2;
			have_arg = true;
		} else if (!have_arg && kind == FAULT_HEADER &&
			   (!strcmp(a, "type") || !strcmp(a, "proto") || !strcmp(a, "msg") ||
			    !strcmp(a, "all"))) {
			r.mode = !strcmp(a, "type") ? 1 : !strcmp(a, "proto") ? 2 :
				 !strcmp(a, "msg") ? 4 : 7;
			have_arg = true;
		} else {
			snprintf(err, errlen, "unexpected argument '%s' for fault %s", a,
				 fault_names[kind]);
			return -1;
		}
	}
	if ((kind == FAULT_DELAY || kind == FAULT_TRUNCATE) && !have_arg) {
		snprintf(err, errlen, "fault %s needs a number", fault_names[kind]);
		return -1;
	}
	switch (kind) {
	case FAULT_STALL:
		f->stall = true;
		f->applied[kind]++;
		return 0;
	case FAULT_EVQ_STARVE:
		f->starve = true;
		f->applied[kind]++;
		return 0;
	case FAULT_DELAYED_ORPHAN:
	case FAULT_NOTIFY_DISABLED:
		if (r.count == FAULT_ALWAYS) {
			snprintf(err, errlen, "fault %s sends messages now: use count=N",
				 fault_names[kind]);
			return -1;
		}
		*immediate = r;
		return 1;
	}
	(void)count_given;
	if (f->nrules >= FAULT_MAX_RULES) {
		snprintf(err, errlen, "too many armed faults (max %d)", FAULT_MAX_RULES);
		return -1;
	}
	f->rules[f->nrules++] = r;
	return 0;
}

static void fill_random(uint64_t *state, uint8_t *p, size_t n)
{
	while (n) {
		uint64_t v = faults_rand(state);
		size_t k = n < 8 ? n : 8;

		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/**
 * faults_apply() - apply the first matching rule to a command response
 * @f: state
 * @resp: response bytes (may be modified)
 * @resp_len: its length (may be modified)
 * @cap: writable bytes the driver gave for it
 * @res: what to do with it
 *
 * Fuzzing is applied afterwards, when enabled.
 */
void faults_apply(struct faults *f, uint8_t *resp, size_t *resp_len, size_t cap,
		  struct fault_result *res)
{
	uint32_t h = *resp_len >= 4 ? get32(resp) : 0;
	unsigned int i;

	memset(res, 0, sizeof(*res));
	res->action = FA_NOW;

	for (i = 0; i < f->nrules && *resp_len >= 4; i++) {
		struct fault_rule *r = &f->rules[i];

		if (r->proto >= 0 && (uint32_t)r->proto != HDR_PROTO(h))
			continue;
		if (r->msg >= 0 && (uint32_t)r->msg != HDR_MSG(h))
			continue;
		f->applied[r->kind]++;
		switch (r->kind) {
		case FAULT_DELAY:
			res->action = FA_DELAY;
			res->delay_ns = r->arg * 1000000ull;
			break;
		case FAULT_DROP:
			res->action = FA_DROP;
			break;
		case FAULT_REORDER:
			res->action = FA_REORDER;
			res->delay_ns = r->arg * 1000000ull;
			break;
		case FAULT_DUPLICATE:
			res->duplicate = true;
			break;
		case FAULT_TOKEN: {
			uint32_t tok = HDR_TOKEN(h);

			if (r->mode == 1 && f->last_token != tok)
				tok = f->last_token;
			else if (r->mode == 2)
				tok = (tok + 1 + faults_rand(&f->rng) % 0x3ff) & 0x3ff;
			else
				tok ^= 0x200;
			put32(resp, (h & ~(0x3ffu << 18)) | tok << 18);
			break;
		}
		case FAULT_HEADER: {
			uint32_t nh = h;

			if (r->mode & 1)
				nh = (nh & ~(3u << 8)) | 1u << 8;	/* reserved type */
			if (r->mode & 2)
				nh = (nh & ~(0xffu << 10)) | (HDR_PROTO(h) ^ 0xa5) << 10;
			if (r->mode & 4)
				nh = (nh & ~0xffu) | (HDR_MSG(h) ^ 0x5a);
			put32(resp, nh);
			break;
		}
		case FAULT_TRUNCATE:
			/* report fewer bytes than the response has */
			res->report_len = r->arg < *resp_len ? r->arg : *resp_len;
			res->report_len |= 0x80000000u;	/* marker: explicit */
			break;
		case FAULT_OVERSIZE:
			res->report_len = (cap + r->arg > 0x7fffffff ? 0x7fffffff : cap + r->arg);
			res->report_len |= 0x80000000u;
			break;
		case FAULT_GARBAGE:
			fill_random(&f->rng, resp, *resp_len);
			break;
		case FAULT_STATUS:
			/* the engine's own work (a delayed response) still goes out */
			if (*resp_len >= 8)
				put32(resp + 4, (uint32_t)r->arg);
			break;
		default:
			break;
		}
		if (r->count != FAULT_ALWAYS && --r->count <= 0) {
			memmove(r, r + 1, (f->nrules - i - 1) * sizeof(*r));
			f->nrules--;
		}
		break;
	}
	if (*resp_len >= 4)
		f->last_token = HDR_TOKEN(h);
	if (f->fuzz_on)
		faults_fuzz(f, resp, resp_len, cap < SCMI_ENGINE_MAX_SDU ? cap : SCMI_ENGINE_MAX_SDU);
	if (res->report_len & 0x80000000u)
		res->report_len &= 0x7fffffff;
	else
		res->report_len = *resp_len;
}

/**
 * faults_fuzz() - maybe mutate one message
 * @f: state with fuzzing enabled
 * @buf: message (at least @cap bytes of room)
 * @len: its length, may change (never above @cap)
 * @cap: room in @buf
 *
 * Return: true when mutated (counted in fuzz_mutated).
 */
bool faults_fuzz(struct faults *f, uint8_t *buf, size_t *len, size_t cap)
{
	uint64_t r;
	uint32_t h;

	if (!f->fuzz_on)
		return false;
	r = faults_rand(&f->fuzz_state);
	if ((double)(r >> 11) / (double)(1ull << 53) >= f->fuzz_rate)
		return false;
	r = faults_rand(&f->fuzz_state);
	f->fuzz_mutated++;
	h = *len >= 4 ? get32(buf) : 0;
	switch (*len >= 4 ? r % 5 : 2) {
	case 0:	/* header fields: flip one bit of type, protocol or message id */
		h ^= 1u << ((r >> 8) % 18);
		put32(buf, h);
		break;
	case 1:	/* token */
		h ^= (uint32_t)(1 + (r >> 8) % 0x3ff) << 18;
		put32(buf, h);
		break;
	case 2: {	/* length: anything from 0 to the room there is */
		size_t n = (r >> 8) % (cap + 1);

		if (n > *len)
			fill_random(&f->fuzz_state, buf + *len, n - *len);
		*len = n;
		break;
	}
	case 3:	/* payload bytes */
		if (*len > 4) {
			unsigned int k, flips = 1 + (r >> 8) % 4;

			for (k = 0; k < flips; k++) {
				uint64_t x = faults_rand(&f->fuzz_state);

				buf[4 + x % (*len - 4)] ^= (uint8_t)(1 + (x >> 32) % 255);
			}
		} else {
			put32(buf, h ^ 0x100);
		}
		break;
	default:	/* status word */
		if (*len >= 8)
			put32(buf + 4, (uint32_t)(r >> 16));
		else
			put32(buf, h ^ 0xff);
		break;
	}
	return true;
}

/**
 * faults_make_p2a() - build a P2A message for delayed-orphan / notify-disabled
 * @r: the rule (proto, msg; mode = token or -1)
 * @token: token to use when the rule gives none
 * @buf: output
 * @cap: room in @buf (at least 20)
 *
 * A delayed response carries status SUCCESS and three zero words (the
 * shape of CLOCK_RATE_SET's); a notification carries agent 0, resource 0
 * and a recognisable value.
 *
 * Return: message length.
 */
size_t faults_make_p2a(const struct fault_rule *r, uint32_t token, uint8_t *buf, size_t cap)
{
	bool delayed = r->kind == FAULT_DELAYED_ORPHAN;
	uint32_t tok = r->mode >= 0 ? (uint32_t)r->mode : token & 0x3ff;

	if (cap < 20)
		return 0;
	memset(buf, 0, 20);
	put32(buf, HDR_MAKE(r->msg < 0 ? 0 : r->msg, delayed ? 2 : 3,
			    r->proto < 0 ? 0x14 : r->proto, delayed ? tok : 0));
	if (delayed) {
		put32(buf + 4, 0);		/* status */
		put32(buf + 8, 0);		/* resource id */
		put32(buf + 12, 12345678);	/* value low */
	} else {
		put32(buf + 4, 0);		/* agent id */
		put32(buf + 8, 0);		/* resource id */
		put32(buf + 12, 12345678);	/* value low */
	}
	return 20;
}
