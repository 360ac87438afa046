// SPDX-License-Identifier: GPL-2.0
/*
 * Layout listing of the arm_scmi core structures the shim declares.
 *
 * This file is never linked into the module.  src/shim/layout.mk compiles it
 * to assembly with the module's own flags (like the kernel's asm-offsets) and
 * extracts the "->" markers into a listing that btfcheck compares with the
 * BTF of the target kernel:
 *
 *	abi NAME / release RELEASE / ptrsize N
 *	struct NAME SIZE
 *	member STRUCT.MEMBER OFFSET SIZE
 *	enum NAME SIZE
 *	enumval ENUM.NAME VALUE
 *
 * The structures and members come from the VSCMI_LAYOUT_STRUCTS() and
 * VSCMI_LAYOUT_MEMBERS() lists of the selected abi-*.h, so whatever the
 * module is compiled with is exactly what gets checked.
 */

#include <linux/compiler.h>
#include <linux/stddef.h>
#include <generated/utsrelease.h>

#include "abi.h"

#define VSCMI_MARK(text)	asm volatile("\n.ascii \"->" text "\"")

#define VSCMI_MARK1(text, a)	\
	asm volatile("\n.ascii \"->" text " %0\"" : : "i" (a))

#define VSCMI_MARK2(text, a, b)	\
	asm volatile("\n.ascii \"->" text " %0 %1\"" : : "i" (a), "i" (b))

#define VSCMI_STRUCT(s)		VSCMI_MARK1("struct " #s, sizeof(struct s));

#define VSCMI_MEMBER(s, m)					\
	VSCMI_MARK2("member " #s "." #m, offsetof(struct s, m),	\
		    sizeof(((struct s *)NULL)->m));

#define VSCMI_ENUMVAL(e, v)	VSCMI_MARK1("enumval " #e "." #v, (long long)(v));

/*
 * enum scmi_bad_msg is declared by every revision with the kernel's
 * enumerator names; a revision may list them itself instead.
 */
#ifndef VSCMI_LAYOUT_ENUMVALS
#define VSCMI_LAYOUT_ENUMVALS(V)		\
	V(scmi_bad_msg, MSG_UNEXPECTED)		\
	V(scmi_bad_msg, MSG_INVALID)		\
	V(scmi_bad_msg, MSG_UNKNOWN)		\
	V(scmi_bad_msg, MSG_NOMEM)		\
	V(scmi_bad_msg, MSG_MBOX_SPURIOUS)
#endif

static void __used vscmi_layout(void)
{
	VSCMI_MARK("abi " VSCMI_ABI_NAME);
	VSCMI_MARK("release " UTS_RELEASE);
	VSCMI_MARK1("ptrsize", sizeof(void *));

	VSCMI_LAYOUT_STRUCTS(VSCMI_STRUCT)
	VSCMI_LAYOUT_MEMBERS(VSCMI_MEMBER)

	VSCMI_MARK1("enum scmi_bad_msg", sizeof(enum scmi_bad_msg));
	VSCMI_LAYOUT_ENUMVALS(VSCMI_ENUMVAL)
}
