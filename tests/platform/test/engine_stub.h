/* SPDX-License-Identifier: GPL-2.0 */
/* engine_stub.h - test hooks of the stub engine (test/engine_stub.c). */
#ifndef ENGINE_STUB_H
#define ENGINE_STUB_H

#include "../scmi_engine.h"

void stub_queue_p2a(struct scmi_engine *e, enum scmi_p2a_kind kind, uint32_t token,
		    uint64_t due);
unsigned int stub_resets(const struct scmi_engine *e);

#endif
