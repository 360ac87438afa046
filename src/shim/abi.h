/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selection of the arm_scmi core's transport ABI revision.
 *
 * This is the only file of the module that looks at the kernel version.  It
 * maps the version of <linux/version.h> (LINUX_VERSION_CODE, read through its
 * major and patch-level parts) or VSCMI_FORCE_ABI (compile-only builds of a
 * revision against other headers) to one of four revisions and includes the
 * matching declarations:
 *
 *   612  Linux 6.12.x         abi-6.12.h
 *   613  Linux 6.13.x         abi-6.13.h
 *   614  Linux 6.14 to 7.0.x  abi-6.14.h
 *   701  Linux 7.1 to 7.3.x   abi-7.1.h
 *
 * Older kernels have no hook for external transports; newer ones change the
 * interface again (7.4 changes chan_available()), so both are refused at build
 * time rather than producing a module that corrupts memory when loaded.
 */
#ifndef VSCMI_SHIM_ABI_H
#define VSCMI_SHIM_ABI_H

#include <linux/build_bug.h>
#include <linux/kconfig.h>
#include <linux/version.h>

#if IS_ENABLED(CONFIG_ARM_SCMI_TRANSPORT_VIRTIO)
/* the in-tree transport owns the device: this module is not needed */
#error "virtio_scmi: kernel has the in-tree transport (CONFIG_ARM_SCMI_TRANSPORT_VIRTIO)"
#endif

#if !IS_BUILTIN(CONFIG_ARM_SCMI_PROTOCOL) && !defined(VSCMI_FORCE_ABI)
#error "virtio_scmi: needs a built-in arm_scmi core (CONFIG_ARM_SCMI_PROTOCOL=y)"
#endif

#define VSCMI_VSTR2(x) #x
#define VSCMI_VSTR(x) VSCMI_VSTR2(x)

/* major * 100 + patch level, e.g. 612 for 6.12.x, 703 for 7.3.x */
#define VSCMI_KVER	(LINUX_VERSION_MAJOR * 100 + LINUX_VERSION_PATCHLEVEL)

#ifdef VSCMI_FORCE_ABI
# define VSCMI_ABI VSCMI_FORCE_ABI
#elif VSCMI_KVER < 612
# define VSCMI_ABI 0
#elif VSCMI_KVER < 613
# define VSCMI_ABI 612
#elif VSCMI_KVER < 614
# define VSCMI_ABI 613
#elif VSCMI_KVER < 701
# define VSCMI_ABI 614
#elif VSCMI_KVER < 704
# define VSCMI_ABI 701
#else
# define VSCMI_ABI 0
#endif

#if VSCMI_ABI == 612
# include "abi-6.12.h"
#elif VSCMI_ABI == 613
# include "abi-6.13.h"
#elif VSCMI_ABI == 614
# include "abi-6.14.h"
#elif VSCMI_ABI == 701
# include "abi-7.1.h"
#elif defined(VSCMI_FORCE_ABI)
# error "virtio_scmi: VSCMI_FORCE_ABI must be one of 612, 613, 614, 701"
#else
/*
 * Unknown revision: stop with one message naming the kernel (#error cannot
 * expand macros, a static assertion's message can be built from them).  The
 * declarations of the newest revision are included only so that this is the
 * first and only error the compiler reports.
 */
static_assert(0, "virtio_scmi: arm_scmi core ABI of Linux "
	       VSCMI_VSTR(LINUX_VERSION_MAJOR) "."
	       VSCMI_VSTR(LINUX_VERSION_PATCHLEVEL)
	       " is unknown; supported: 6.12 to 7.3");
# include "abi-7.1.h"
#endif

#endif /* VSCMI_SHIM_ABI_H */
