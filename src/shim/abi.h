/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selection of the arm_scmi core's transport ABI revision.
 *
 * This is the only file of the module that looks at the kernel version.  It
 * maps LINUX_VERSION_CODE (or VSCMI_FORCE_ABI, for compile-only builds of a
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

#include <linux/kconfig.h>
#include <linux/version.h>

#if IS_ENABLED(CONFIG_ARM_SCMI_TRANSPORT_VIRTIO)
#error "virtio_scmi: this kernel has the in-tree SCMI virtio transport (CONFIG_ARM_SCMI_TRANSPORT_VIRTIO); use it instead of this module"
#endif

#if !IS_BUILTIN(CONFIG_ARM_SCMI_PROTOCOL) && !defined(VSCMI_FORCE_ABI)
#error "virtio_scmi: needs an arm_scmi core built into the kernel (CONFIG_ARM_SCMI_PROTOCOL=y)"
#endif

#define VSCMI_VSTR2(x) #x
#define VSCMI_VSTR(x) VSCMI_VSTR2(x)

#ifdef VSCMI_FORCE_ABI
# define VSCMI_ABI VSCMI_FORCE_ABI
#elif LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
# define VSCMI_ABI 0
#elif LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
# define VSCMI_ABI 612
#elif LINUX_VERSION_CODE < KERNEL_VERSION(6, 14, 0)
# define VSCMI_ABI 613
#elif LINUX_VERSION_CODE < KERNEL_VERSION(7, 1, 0)
# define VSCMI_ABI 614
#elif LINUX_VERSION_CODE < KERNEL_VERSION(7, 4, 0)
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
_Static_assert(0, "virtio_scmi: arm_scmi core ABI of Linux "
	       VSCMI_VSTR(LINUX_VERSION_MAJOR) "."
	       VSCMI_VSTR(LINUX_VERSION_PATCHLEVEL)
	       " is unknown; supported: 6.12 to 7.3");
# include "abi-7.1.h"
#endif

#endif /* VSCMI_SHIM_ABI_H */
