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
 *	member STRUCT.MEMBER OFFSET
 *	msize STRUCT.MEMBER SIZE
 *	enum NAME SIZE
 *	enumval ENUM.NAME VALUE
 *	proto STRUCT.MEMBER RETURN (PARAMETERS)	function pointer member
 *	func NAME RETURN (PARAMETERS)		exported core function
 *
 * The structures and members come from the VSCMI_LAYOUT_STRUCTS() and
 * VSCMI_LAYOUT_MEMBERS() lists of the selected abi-*.h, so whatever the
 * module is compiled with is exactly what gets checked.
 */

#include <linux/compiler.h>
#include <linux/container_of.h>
#include <linux/stddef.h>
#include <generated/utsrelease.h>

#include "abi.h"

/*
 * Each marker is a block of its own, so that the X-macro lists, which have
 * no separators, expand to a sequence of statements.
 */
#define VSCMI_MARK(text)	{ asm volatile("\n.ascii \"->" text "\""); }

#define VSCMI_MARK_VAL(text, val)	\
	{ asm volatile("\n.ascii \"->" text " %0\"" : : "i" (val)); }

#define VSCMI_STRUCT(s)		VSCMI_MARK_VAL("struct " #s, sizeof(struct s))

/* offset and size of a member, as two markers that btfcheck joins */
#define VSCMI_MEMBER(s, m)	VSCMI_MARK_VAL("member " #s "." #m, offsetof(struct s, m))
#define VSCMI_MEMBER_SIZE(s, m)	VSCMI_MARK_VAL("msize " #s "." #m, sizeof_field(struct s, m))

#define VSCMI_ENUMVAL(e, v)	VSCMI_MARK_VAL("enumval " #e "." #v, (long long)(v))

/* a prototype, first asserted to be the declared one, then listed */
#define VSCMI_PROTO(s, m, ret, args)					\
	{								\
		static_assert(__builtin_types_compatible_p(		\
			typeof_member(struct s, m), ret(*)args));	\
		VSCMI_MARK("proto " #s "." #m " " #ret " " #args)	\
	}

#define VSCMI_FUNC(f, ret, args)					\
	{								\
		static_assert(__builtin_types_compatible_p(		\
			typeof(f), ret args));				\
		VSCMI_MARK("func " #f " " #ret " " #args)		\
	}

static void __used vscmi_layout(void)
{
	VSCMI_MARK("abi " VSCMI_ABI_NAME)
	VSCMI_MARK("release " UTS_RELEASE)
	VSCMI_MARK_VAL("ptrsize", sizeof(void *))

	VSCMI_LAYOUT_STRUCTS(VSCMI_STRUCT)
	VSCMI_LAYOUT_MEMBERS(VSCMI_MEMBER)
	VSCMI_LAYOUT_MEMBERS(VSCMI_MEMBER_SIZE)

	/* declared by every revision, with the kernel's enumerator names */
	VSCMI_MARK_VAL("enum scmi_bad_msg", sizeof(enum scmi_bad_msg))
	VSCMI_ENUMVAL(scmi_bad_msg, MSG_UNEXPECTED)
	VSCMI_ENUMVAL(scmi_bad_msg, MSG_INVALID)
	VSCMI_ENUMVAL(scmi_bad_msg, MSG_UNKNOWN)
	VSCMI_ENUMVAL(scmi_bad_msg, MSG_NOMEM)
	VSCMI_ENUMVAL(scmi_bad_msg, MSG_MBOX_SPURIOUS)

	/* test fixtures (tests/fixtures/) declare layouts only */
#ifdef vscmi_common_struct_protos
	vscmi_common_struct_protos(VSCMI_PROTO)
	vscmi_common_struct_funcs(VSCMI_FUNC)
#endif
}
