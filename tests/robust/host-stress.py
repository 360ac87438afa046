#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Host side of the "stress" suite, run by guest_boot --during (through
# host-stress.sh): at the guest's "VSCMI-NOTE rb-mark hp-del N" device_del
# the SCMI device (QEMU presses the root port's attention button), at
# "rb-mark hp-add N" (the guest has removed it) device_add a new one on the
# same root port and chardev, retrying while QEMU still holds the old one.
# One process and one monitor connection for the whole loop: a Python
# start and a monitor connection per command cost seconds on a loaded host.
# Usage: host-stress.py CYCLES [FIRST_WAIT]  (QEMU_MONITOR, GUEST_CONSOLE,
# QEMU_PIDFILE); FIRST_WAIT (300 s): how long the first mark may take,
# which comes after the guest's traffic phase
import os
import socket
import sys
import time

ADD = "device_add vhost-user-scmi-pci,chardev=vscmi,id=scmi,bus=rp0"


class Monitor:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(10)
        self.s.connect(path)
        self._until_prompt()

    def _until_prompt(self):
        buf = b""
        while not buf.rstrip().endswith(b"(qemu)"):
            d = self.s.recv(4096)
            if not d:
                raise EOFError("monitor closed")
            buf += d
        return buf.decode(errors="replace")

    def cmd(self, line):
        self.s.sendall(line.encode() + b"\n")
        out = self._until_prompt().replace("\r", "")
        lines = [x for x in out.split("\n")
                 if x and not x.startswith("(qemu)") and line not in x]
        return "\n".join(l for l in lines if l.strip() and "\x1b" not in l)


def qemu_alive():
    try:
        with open(os.environ["QEMU_PIDFILE"]) as f:
            os.kill(int(f.read().strip()), 0)
        return True
    except (OSError, ValueError):
        return False


def wait_mark(mark, secs):
    """True when 'rb-mark MARK' appeared; False when the loop or guest ended."""
    end = time.time() + secs
    want = ("VSCMI-NOTE rb-mark " + mark).encode()
    done = b"VSCMI-NOTE rb-mark hp-done"
    while time.time() < end:
        with open(os.environ["GUEST_CONSOLE"], "rb") as f:
            con = f.read().replace(b"\r", b"")
        # complete lines only: the last element is what QEMU has not
        # finished writing yet ("" once the line ends)
        lines = con.split(b"\n")[:-1]
        if want in lines:
            return True
        if done in lines or b"VSCMI-DONE" in lines or not qemu_alive():
            return False
        time.sleep(0.05)
    print("host-stress: mark '%s' not seen in %d s" % (mark, secs))
    sys.exit(1)


def main():
    cycles = int(sys.argv[1])
    first = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    mon = None
    for i in range(1, cycles + 1):
        if not wait_mark("hp-del %d" % i, first if i == 1 else 300):
            print("host-stress: guest ended the loop before cycle %d" % i)
            return 0
        if mon is None:
            mon = Monitor(os.environ["QEMU_MONITOR"])
        out = mon.cmd("device_del scmi")
        if out:
            print("host-stress: cycle %d: device_del: %s" % (i, out))
            return 1
        if not wait_mark("hp-add %d" % i, 300):
            print("host-stress: guest ended the loop in cycle %d" % i)
            return 0
        for t in range(200):
            out = mon.cmd(ADD)
            if not out:
                break
            time.sleep(0.05)
        else:
            print("host-stress: cycle %d: device_add failed: %s" % (i, out))
            return 1
        if t:
            print("host-stress: cycle %d: device_add after %d retries (%s)" % (i, t, out))
    print("host-stress: %d cycles done" % cycles)
    return 0


if __name__ == "__main__":
    sys.exit(main())
