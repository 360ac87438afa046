/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h - data model shared by the SCMI engine's source files.
 *
 * Every resource keeps its configured (initial) state and its current state
 * side by side; the configuration is a complete copy of the resource set, so
 * scmi_engine_reset() is one structure copy.
 */
#ifndef SCMI_ENGINE_INTERNAL_H
#define SCMI_ENGINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../scmi_engine.h"

#define SE_NAME_MAX		64	/* extended names, NUL included */
#define SE_SHORT_NAME		16	/* short names, NUL included */
#define SE_MAX_RES		32	/* resources of one kind */
#define SE_MAX_RATES		16	/* the 6.12 core takes at most 16 */
#define SE_MAX_OPPS		16
#define SE_MAX_LEVELS		16
#define SE_MAX_TRIPS		4
#define SE_MAX_EMITTERS		16
#define SE_P2A_BUF		64	/* largest P2A SDU the engine builds */
#define SE_NOTIF_CAP		4096	/* bounded notification queue */
#define SE_DRESP_CAP		2048	/* delayed responses held (never dropped) */
#define SE_DEFAULT_MAX_MSG	128	/* return values after the status word */

/* Protocol ids */
enum {
	P_BASE = 0x10, P_POWER = 0x11, P_SYSTEM = 0x12, P_PERF = 0x13,
	P_CLOCK = 0x14, P_SENSOR = 0x15, P_RESET = 0x16, P_VOLTAGE = 0x17,
	P_POWERCAP = 0x18,
};
#define SE_NPROTO	9
#define PIDX(p)		((p) - P_BASE)

/* SCMI status codes */
enum {
	S_SUCCESS = 0, S_NOT_SUPPORTED = -1, S_INVALID_PARAMETERS = -2,
	S_DENIED = -3, S_NOT_FOUND = -4, S_OUT_OF_RANGE = -5, S_BUSY = -6,
	S_COMMS_ERROR = -7, S_GENERIC_ERROR = -8, S_HARDWARE_ERROR = -9,
	S_PROTOCOL_ERROR = -10,
};

#define POWER_ON	0x00000000u
#define POWER_OFF	0x40000000u

struct se_clock {
	char name[SE_NAME_MAX];
	bool discrete;
	int nrates;
	uint64_t rates[SE_MAX_RATES];	/* discrete: ascending */
	uint64_t min, max, step;	/* range */
	uint64_t rate;
	bool enabled;
	uint32_t latency_us;
	bool notify_ok;			/* rate change notifications supported */
	bool ntf_rate, ntf_req;
};

struct se_power {
	char name[SE_NAME_MAX];
	uint32_t state;
	bool async_ok, sync_ok, notify_ok;
	bool ntf;
};

struct se_opp {
	uint32_t level, freq_khz, power, latency_us;
};

struct se_perf {
	char name[SE_NAME_MAX];
	int nopps;
	struct se_opp opps[SE_MAX_OPPS];	/* ascending level */
	uint32_t level, lim_min, lim_max;
	uint32_t sustained;			/* a level of the table */
	uint32_t rate_limit_us;
	bool set_level_ok, set_limits_ok, notify_ok;
	bool ntf_lim, ntf_lvl;
};

struct se_trip {
	uint8_t mode;		/* 0 off, 1 rising, 2 falling, 3 both */
	int64_t value;
};

struct se_sensor {
	char name[SE_NAME_MAX];
	uint8_t type;
	int8_t scale;
	int64_t base, amplitude;
	uint32_t period_ms;
	bool async_ok, notify_ok;
	int ntrips;
	struct se_trip trip[SE_MAX_TRIPS];
	bool override;
	int64_t override_value;
	uint32_t config;	/* SENSOR_CONFIG: interval, round, tstamp, enable */
	bool ntf_trip, ntf_update;
	/* run time only */
	bool have_last;
	int64_t last;
	uint64_t next_update;
};

struct se_reset {
	char name[SE_NAME_MAX];
	uint32_t latency_us;
	bool async_ok, notify_ok;
	bool asserted;
	uint32_t resets;	/* completed resets (state dump) */
	bool ntf;
};

struct se_voltage {
	char name[SE_NAME_MAX];
	bool segmented;
	int nlevels;
	int32_t levels[SE_MAX_LEVELS];
	int32_t min, max, step;
	int32_t level;
	uint32_t config;	/* 0x7 on, 0x0 off */
	bool async_ok;
};

struct se_powercap {
	char name[SE_NAME_MAX];
	uint32_t cap_min, cap_max, cap_step, cap;	/* cap 0: disabled */
	uint32_t pai_min, pai_max, pai_step, pai;
	uint32_t unit;		/* 0 abstract, 1 uW, 2 mW */
	uint32_t sustainable, accuracy, parent;
	uint32_t power_base, power_amp, period_ms;
	bool async_ok, notify_ok, monitor_ok;
	bool override;
	uint32_t override_power;
	bool ntf_cap, ntf_meas;
	uint32_t th_low, th_high;
	int meas_zone;		/* -1 below, 0 inside, 1 above, 2 unknown */
};

struct se_resources {
	char vendor[SE_SHORT_NAME];
	char sub_vendor[SE_SHORT_NAME];
	char agent_name[SE_SHORT_NAME];
	uint32_t impl_version;
	uint32_t protocols;		/* bit PIDX(p) set: protocol listed */
	uint32_t clock_max_async;
	uint32_t sys_state;		/* last SYSTEM_POWER_STATE_SET */
	bool sys_ntf, base_ntf;
	int nclk, npwr, nperf, nsens, nrst, nvolt, npcap;
	struct se_clock clk[SE_MAX_RES];
	struct se_power pwr[SE_MAX_RES];
	struct se_perf perf[SE_MAX_RES];
	struct se_sensor sens[SE_MAX_RES];
	struct se_reset rst[SE_MAX_RES];
	struct se_voltage volt[SE_MAX_RES];
	struct se_powercap pcap[SE_MAX_RES];
};

struct se_p2a {
	uint64_t due;
	uint16_t len;
	uint8_t buf[SE_P2A_BUF];
};

struct se_emitter {
	bool active, force;
	uint8_t proto;
	uint32_t id;
	int event;
	uint64_t rate, start, end, total, done;
};

struct se_inject {
	uint8_t proto, msg;
	int32_t status;
	uint32_t count;		/* 0: slot free */
};
#define SE_MAX_INJECT	16

struct scmi_engine {
	struct se_resources cfg;	/* as configured */
	struct se_resources r;		/* current */
	bool p2a;
	uint64_t delay_ns;
	size_t max_msg;			/* max return-value bytes incl. status */
	size_t notif_limit;		/* <= SE_NOTIF_CAP */

	/* delayed responses: sorted by due, FIFO among equals */
	struct se_p2a *dresp;
	size_t dresp_head, dresp_count;
	/* notifications: FIFO ring */
	struct se_p2a *notif;
	size_t notif_head, notif_count;

	struct se_emitter emit[SE_MAX_EMITTERS];
	struct se_inject inject[SE_MAX_INJECT];
	int ninject;			/* slots in use */
	uint64_t injected;
	uint64_t timer_due;		/* next advance() work, UINT64_MAX none */
	uint64_t last_now;

	/* counters */
	uint64_t *count;		/* [256][256] */
	uint64_t bad_len, bad_hdr;
	uint64_t dresp_sent, notif_sent, notif_dropped, notif_queued;
	uint64_t dresp_busy;
};

/* engine.c */
void se_queue_dresp(struct scmi_engine *e, uint8_t proto, uint8_t msg,
		    uint32_t token, const void *payload, size_t len,
		    uint64_t now);
bool se_dresp_room(const struct scmi_engine *e);
void se_notify(struct scmi_engine *e, uint8_t proto, uint8_t msg,
	       const void *payload, size_t len, uint64_t now);

/* proto.c */
size_t se_dispatch(struct scmi_engine *e, uint32_t hdr, const uint8_t *p,
		   size_t plen, uint8_t *out, size_t out_cap, uint64_t now);
int64_t se_sensor_value(const struct se_sensor *s, uint64_t now);
uint32_t se_pcap_power(const struct se_powercap *pc, uint64_t now);
uint64_t se_advance(struct scmi_engine *e, uint64_t now);
void se_schedule_now(struct scmi_engine *e, uint64_t now);
int se_emit_event(struct scmi_engine *e, uint8_t proto, uint32_t id,
		  int event, bool force, uint64_t now, char *why, size_t whylen);
int se_event_parse(uint8_t proto, const char *name);
const char *se_event_name(uint8_t proto, int event);
int se_proto_parse(const char *s);
const char *se_proto_name(uint8_t proto);
int se_status_parse(const char *s, int32_t *status);
int se_res_count(const struct se_resources *r, uint8_t proto);
/* platform-initiated state changes used by the "set" control command */
int se_ctl_set(struct scmi_engine *e, int argc, char **argv, FILE *out,
	       uint64_t now);
void se_dump_state(const struct scmi_engine *e, FILE *out, uint64_t now);

/* config.c */
void se_defaults(struct se_resources *r);
int se_parse_config(const char *path, struct se_resources *r, char *err,
		    size_t errlen);
void se_normalize(struct se_resources *r);

/* little-endian helpers */
static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static inline uint32_t se_hdr(uint8_t msg, uint8_t type, uint8_t proto,
			      uint32_t token)
{
	return (uint32_t)msg | (uint32_t)(type & 3) << 8 |
	       (uint32_t)proto << 10 | (token & 0x3ff) << 18;
}

#endif /* SCMI_ENGINE_INTERNAL_H */
