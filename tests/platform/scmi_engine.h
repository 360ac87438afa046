/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scmi_engine.h - the SCMI platform's protocol engine, as seen by the daemon.
 *
 * The engine (tests/platform/scmi/) knows SCMI and nothing about virtio: it
 * takes one command SDU at a time and produces its response, keeps every
 * resource's state, and queues platform-to-agent (P2A) messages: delayed
 * responses and notifications.  The daemon (vhost-user back end) owns the
 * queues, the fault injection and the control socket; it calls the engine
 * from one thread only, so the engine has no locking of its own.
 *
 * An SDU is a little-endian 32-bit SCMI header followed by the payload, as
 * carried in one virtio SCMI buffer.
 */
#ifndef SCMI_ENGINE_H
#define SCMI_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Largest SDU the engine produces or accepts (header + payload). */
#define SCMI_ENGINE_MAX_SDU	1024

struct scmi_engine;

/*
 * Create an engine from a config file (format documented in
 * tests/platform/README.md), or from the built-in default resource set when
 * @config_path is NULL.  On error returns NULL and writes a one-line reason
 * (file:line: what) into @err.
 */
struct scmi_engine *scmi_engine_new(const char *config_path, char *err, size_t errlen);
void scmi_engine_free(struct scmi_engine *e);

/*
 * Back to the configured initial state: device reset or a new vhost-user
 * connection.  Drops queued P2A messages and notification enables; keeps
 * counters.
 */
void scmi_engine_reset(struct scmi_engine *e);

/*
 * Whether the driver negotiated VIRTIO_SCMI_F_P2A_CHANNELS.  Without it,
 * commands that need notifications or delayed responses are answered
 * NOT_SUPPORTED (virtio spec, SCMI device).  Default: true.
 */
void scmi_engine_set_p2a(struct scmi_engine *e, bool available);

/*
 * Handle one command SDU of @req_len bytes.  Writes the response SDU (the
 * command's header with the same token, le32 status, return values) into
 * @resp and returns its length (>= 8, <= @resp_cap).  Never fails: malformed
 * input gets the right SCMI error status.  Returns 0 only when @req_len < 4
 * (no header to answer to) or @resp_cap < 8.  @now_ns is CLOCK_MONOTONIC.
 */
size_t scmi_engine_handle(struct scmi_engine *e, const void *req, size_t req_len,
			  void *resp, size_t resp_cap, uint64_t now_ns);

enum scmi_p2a_kind {
	SCMI_P2A_DELAYED_RESPONSE = 2,
	SCMI_P2A_NOTIFICATION = 3,
};

/*
 * Take the oldest P2A message due at @now_ns (delayed responses first) and
 * copy it into @buf.  Returns its length, or 0 when none is due.  The daemon
 * calls this only when it has an eventq buffer: delayed responses wait in
 * the engine until then, never dropped.  Notifications are held in a
 * bounded queue (oldest dropped and counted when full).  A message longer
 * than @cap is not taken: it stays at the head and 0 is returned, so pass
 * a buffer of SCMI_ENGINE_MAX_SDU (no P2A message is longer than 64 bytes).
 */
size_t scmi_engine_pop_p2a(struct scmi_engine *e, uint64_t now_ns, void *buf,
			   size_t cap, enum scmi_p2a_kind *kind);

/* Earliest time something becomes due (P2A, rate emitters); UINT64_MAX if none. */
uint64_t scmi_engine_next_deadline(const struct scmi_engine *e);

/* Number of P2A messages queued (due or not), by kind. */
size_t scmi_engine_p2a_pending(const struct scmi_engine *e, enum scmi_p2a_kind kind);

/*
 * Engine-level control commands, forwarded by the daemon's control socket
 * (one line split into argv).  Writes the reply text to @out; returns 0 on
 * success, -1 on a bad command (with the reason written to @out).  Examples:
 *   notify clock 0 rate            emit one notification (honours enables)
 *   notify-rate sensor 1 10000 10  10000/s for 10 s; "notify-rate off"
 *   set sensor 0 value 42000       poke state
 *   state                          dump all resource state
 *   stats                          per protocol/message request counters
 * The full list is in tests/platform/README.md.
 */
int scmi_engine_ctl(struct scmi_engine *e, int argc, char **argv, FILE *out, uint64_t now_ns);

/* Requests seen for (protocol, message), malformed ones included. */
uint64_t scmi_engine_count(const struct scmi_engine *e, uint8_t protocol, uint8_t msg);

/* Notifications dropped because the bounded queue was full. */
uint64_t scmi_engine_notifications_dropped(const struct scmi_engine *e);

#endif /* SCMI_ENGINE_H */
