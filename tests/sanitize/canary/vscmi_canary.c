// SPDX-License-Identifier: GPL-2.0
/*
 * vscmi_canary - positive controls for the sanitizer kernel (test only).
 *
 * Loaded with leak=1 it allocates an object and forgets the pointer, which
 * kmemleak must report; with oob=1 it reads one byte past a small kmalloc()
 * buffer, which KASAN must report.  The sanitize suite loads it in a guest
 * of its own and checks that both reports reach the console, i.e. that a
 * real bug of the same kind in virtio_scmi could not pass unnoticed.
 */
#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "leak one 64-byte object at load");

static bool oob;
module_param(oob, bool, 0444);
MODULE_PARM_DESC(oob, "read one byte past an 8-byte allocation at load");

static noinline void vscmi_canary_leak(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return;
	memset(p, 0x5a, 64);
	/*
	 * Make the allocation visible to the compiler's eyes as used, or it
	 * may drop kmalloc() and memset() of an object nobody reads; then the
	 * only reference is dropped on purpose.
	 */
	OPTIMIZER_HIDE_VAR(p);
	pr_info("vscmi_canary: leaking a 64-byte object\n");
}

/*
 * Zero the dead stack below the caller, @depth frames of 512 bytes.  The
 * leaked pointer was in registers and stack slots of the frames that made
 * it (kmalloc's, ours); kmemleak scans the task stacks that exited tasks
 * leave in the per-CPU stack cache too, so a stale copy there would count
 * as a reference and hide the leak.
 */
static noinline void vscmi_canary_scrub(unsigned int depth)
{
	char buf[512];

	if (depth)
		vscmi_canary_scrub(depth - 1);
	/* after the call: a frame of its own at every depth, not a loop */
	memzero_explicit(buf, sizeof(buf));
}

static noinline void vscmi_canary_oob(void)
{
	char *p = kmalloc(8, GFP_KERNEL);
	size_t end = 8;

	if (!p)
		return;
	/* Keep the compiler from seeing (and rejecting) the bad index. */
	OPTIMIZER_HIDE_VAR(end);
	pr_info("vscmi_canary: reading past the end: %d\n", READ_ONCE(p[end]));
	kfree(p);
}

static int __init vscmi_canary_init(void)
{
	if (leak) {
		vscmi_canary_leak();
		vscmi_canary_scrub(12);
	}
	if (oob)
		vscmi_canary_oob();
	return 0;
}
module_init(vscmi_canary_init);

static void __exit vscmi_canary_exit(void)
{
}
module_exit(vscmi_canary_exit);

MODULE_DESCRIPTION("Positive controls for the virtio-scmi sanitizer kernel (test only)");
MODULE_LICENSE("GPL");
