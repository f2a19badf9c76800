#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpus of fuzz_arenas (tests/fuzz/corpus/) and the
reproducers of library bugs found and fixed (corpus/regress-*).

The byte format is described at the top of fuzz_arenas.c; the op codes and
operands here must follow it.  The generated files are committed: run this
again only when the format changes.
"""
import os
import struct
import sys

# op codes (enum op in fuzz_arenas.c)
(ALLOC, ALLOC_ALIAS, UNINIT, PUBLISH, EXTEND, EXTEND_ALIAS, GET, CHECKPOINT,
 ROLLBACK, RESET, DRAIN, RESERVE, SHRINK, INFO, CREATE, FAULT, NOFAULT,
 VERIFY, REENT, NULLS) = range(20)
A, F = 0, 1

# alignment table indices (good_al in decode_cfg)
AL = {0: 0, 1: 1, 2: 2, 4: 3, 8: 4, 16: 5, 32: 6, 64: 7, 4096: 14,
      1 << 20: 15}
VM, FIXED, REALLOC = 0, 1, 2


def cfg(es=8, align=8, storage=VM, dtor=True, ak="track", struct_kind=0,
        cap=0, special=None, flags=False, b6=0, bad_align=None, es_raw=None):
    b0 = es_raw if es_raw is not None else (es - 1) % 64
    b1 = (0x80 | bad_align) if bad_align is not None else AL[align]
    b2 = storage
    b3 = 0 if dtor else 1
    b3 |= {"malloc": 0, "track": 1 << 1, "incomplete": (3 << 1) | 8}[ak]
    b3 |= struct_kind << 4
    if flags:
        b3 |= 0x80
    if special is not None:
        b4, b5 = special, 0x80
    else:
        b4, b5 = cap & 0xff, (cap >> 8) & 0x7f
    return bytes([b0, b1, b2, b3, b4, b5, b6])


def op(code, target=A, variant=0, *operands):
    return bytes([code | target << 5 | variant << 6]) + bytes(operands)


def u16(v):
    return struct.pack("<H", v)


def n_small(n):
    """decode_n byte for 1 <= n <= 16"""
    for c in range(256):
        if c % 12 in (1, 2, 3) and 1 + (c >> 4) == n:
            return bytes([c])
    raise ValueError(n)


def n_medium(n):
    return bytes([4]) + u16(n)


N_ZERO = bytes([0])
N_BOUNDARY = lambda d: bytes([5, d])          # limit - len + d - 2
N_SIZE_MAX = bytes([6, 0])
N_LEN_WRAP = lambda d: bytes([7, d])          # SIZE_MAX - len + d
N_MUL_EDGE = lambda d: bytes([8, d])          # SIZE_MAX/stride - len + d - 1
N_PTRDIFF_EDGE = lambda d: bytes([9, d])      # PTRDIFF_MAX/stride - len + d - 1
N_PUB_EXCL = lambda d: bytes([10, d])         # 2^63 - 1 + d
N_BYTE = lambda v: bytes([11, v])


def ops(*parts):
    return b"".join(parts)


seeds = {}

seeds["alloc-get-verify"] = cfg() + cfg() + ops(
    *[op(ALLOC, A) for _ in range(5)], *[op(ALLOC, F) for _ in range(5)],
    op(GET, A, 0, 0) + u16(3), op(GET, A, 0, 2, 1), op(GET, A, 0, 3, 0),
    op(GET, F, 0, 0) + u16(4), op(GET, F, 0, 2, 0),
    op(CHECKPOINT, A, 0, 0), op(CHECKPOINT, F, 0, 1), op(INFO, A), op(INFO, F),
    op(VERIFY))

seeds["extend-sizes"] = cfg(es=3, align=4) + cfg(es=5, align=1) + ops(
    op(EXTEND, A) + n_small(7), op(EXTEND, F) + n_small(9),
    op(EXTEND, A) + n_medium(1000), op(EXTEND, F) + n_medium(333),
    op(EXTEND, A) + N_ZERO, op(EXTEND, F) + N_ZERO,
    op(EXTEND, A) + N_SIZE_MAX, op(EXTEND, F) + N_SIZE_MAX,
    op(EXTEND, A) + N_LEN_WRAP(0), op(EXTEND, A) + N_LEN_WRAP(1),
    op(EXTEND, A) + N_MUL_EDGE(1), op(EXTEND, F) + N_MUL_EDGE(2),
    op(EXTEND, A) + N_PTRDIFF_EDGE(2), op(EXTEND, F) + N_PUB_EXCL(1),
    op(EXTEND, F) + N_PUB_EXCL(0), op(EXTEND, A, 3) + n_small(2),
    op(EXTEND, F, 3) + n_small(2), op(VERIFY))

seeds["fixed-enospc"] = cfg(es=16, storage=FIXED, cap=10) + \
    cfg(es=16, storage=FIXED, cap=10) + ops(
    *[op(ALLOC, t) for t in (A, F) for _ in range(12)],
    op(RESET, A), op(RESET, F),
    op(EXTEND, A) + N_BOUNDARY(2), op(EXTEND, A) + N_BOUNDARY(3),
    op(EXTEND, F) + N_BOUNDARY(2), op(EXTEND, F) + N_BOUNDARY(3),
    op(RESERVE, A) + n_small(1), op(INFO, F), op(VERIFY))

seeds["vm-small-capacity"] = cfg(es=64, align=64, cap=64) + \
    cfg(es=64, align=64, cap=5) + ops(
    op(EXTEND, A) + N_BOUNDARY(2), op(ALLOC, A), op(EXTEND, F) +
    N_BOUNDARY(1), op(ALLOC, F), op(ALLOC, F), op(ALLOC, F),
    op(RESERVE, A) + N_BOUNDARY(3), op(SHRINK, A), op(VERIFY))

seeds["realloc-alias"] = cfg(es=8, storage=REALLOC) + cfg() + ops(
    op(ALLOC, A), op(ALLOC, A), op(ALLOC_ALIAS, A) + u16(1),
    op(EXTEND, A) + n_medium(2000),
    op(EXTEND_ALIAS, A) + u16(5) + u16(1500),
    op(ALLOC_ALIAS, A) + u16(100), op(SHRINK, A), op(ALLOC_ALIAS, A) + u16(7),
    op(RESERVE, A) + n_medium(4000), op(RESERVE, A) + N_PTRDIFF_EDGE(0),
    op(RESERVE, A) + N_PTRDIFF_EDGE(1), op(RESERVE, A) + N_MUL_EDGE(2),
    op(EXTEND_ALIAS, F) + n_small(3), op(ALLOC, F),
    op(ALLOC_ALIAS, F) + u16(0), op(EXTEND_ALIAS, F) + u16(0) + u16(3),
    op(RESET, A), op(SHRINK, A), op(ALLOC, A), op(VERIFY))

seeds["rollback-checkpoints"] = cfg() + cfg(es=4, align=4) + ops(
    op(CHECKPOINT, A, 0, 0), op(CHECKPOINT, F, 0, 1),
    *[op(ALLOC, A) for _ in range(4)], op(CHECKPOINT, A, 0, 2),
    *[op(ALLOC, A) for _ in range(4)], op(CHECKPOINT, A, 0, 3),
    *[op(ALLOC, F) for _ in range(6)], op(CHECKPOINT, F, 0, 4),
    op(ROLLBACK, A, 0, 2),                  # valid
    op(ROLLBACK, A, 0, 3),                  # beyond the length now
    op(ROLLBACK, A, 0, 1),                  # another arena's
    op(ROLLBACK, A, 2, 0), op(ROLLBACK, A, 2, 1), op(ROLLBACK, A, 2, 2),
    op(ROLLBACK, A, 2, 3),
    op(ROLLBACK, A, 1, 0, 2, 9),            # forged beyond
    op(ROLLBACK, A, 1, 0, 3),               # forged SIZE_MAX
    *[op(ALLOC, A) for _ in range(3)],
    op(ROLLBACK, A, 0, 2),                  # stale but valid
    op(ROLLBACK, F, 0, 4), op(ROLLBACK, F, 1, 0, 0) + u16(2),
    op(ROLLBACK, F, 0, 1), op(ROLLBACK, F, 0, 0),
    op(ROLLBACK, A, 0, 0), op(VERIFY),
    *[op(ALLOC, t) for t in (A, F) for _ in range(3)],
    op(DRAIN, A), op(DRAIN, F), op(DRAIN, A, 3), op(DRAIN, F, 3),
    *[op(ALLOC, t) for t in (A, F) for _ in range(3)],
    op(RESET, A), op(RESET, F), op(VERIFY))

seeds["begin-publish"] = cfg() + cfg(es=24, align=8) + ops(
    op(UNINIT, F), op(UNINIT, F), op(ALLOC, F), op(UNINIT, F),
    op(GET, F, 0, 0) + u16(0), op(GET, F, 0, 0) + u16(2),
    op(INFO, F), op(CHECKPOINT, F, 0, 0),
    op(PUBLISH, F, 0, 1),                   # the 2nd pending (slot 1)
    op(ROLLBACK, F, 1, 0, 1), op(RESET, F), op(DRAIN, F),
    op(PUBLISH, F, 2) + u16(1),             # already published
    op(PUBLISH, F, 3, 0),                   # SIZE_MAX
    op(PUBLISH, F, 2) + u16(6),             # beyond
    op(UNINIT, F, 3),                       # NULL index
    op(PUBLISH, F, 0, 0), op(INFO, F),
    op(CREATE, F) + cfg(),                  # destroy with one pending
    op(UNINIT, F), op(ALLOC, F), op(PUBLISH, F, 0, 0), op(VERIFY),
    op(RESET, F), op(UNINIT, F), op(VERIFY))

seeds["faults-alloc"] = cfg(storage=REALLOC) + cfg(storage=FIXED, cap=100) + ops(
    op(FAULT, A, 0, 1, 0),                  # next allocator call fails
    op(ALLOC, A), op(ALLOC, A),
    op(FAULT, A, 0, 1, 0), op(CREATE, F) + cfg(storage=FIXED, cap=50),
    op(FAULT, A, 0, 1, 1), op(CREATE, F) + cfg(storage=FIXED, cap=50),
    op(FAULT, A, 0, 1, 2), op(CREATE, F) + cfg(storage=FIXED, cap=50),
    op(FAULT, A, 0, 1, 0), op(CREATE, A) + cfg(storage=REALLOC, cap=10),
    op(FAULT, A, 0, 1, 1), op(CREATE, A) + cfg(storage=FIXED, cap=10),
    op(EXTEND, A) + n_small(12), op(FAULT, A, 0, 5, 0),     # sticky
    op(EXTEND, A) + n_small(3), op(SHRINK, A), op(NOFAULT),
    op(CREATE, A) + cfg(storage=REALLOC, special=3),       # refused: ENOMEM
    op(CREATE, F) + cfg(storage=FIXED, special=3),
    op(VERIFY))

seeds["faults-vm"] = cfg() + cfg() + ops(
    op(FAULT, A, 0, 2 | 8, 0),              # first VM call fails: halving
    op(ALLOC, A), op(EXTEND, A) + n_small(4),
    op(FAULT, A, 0, 2 | 8, 1),              # the commit fails
    op(CREATE, A) + cfg(), op(ALLOC, A), op(ALLOC, A),
    op(FAULT, A, 0, 2 | 8 | 16, 0),         # sticky: reserve gives up
    op(CREATE, A) + cfg(), op(ALLOC, A), op(NOFAULT), op(ALLOC, A),
    op(FAULT, A, 0, 2 | 8, 0), op(CREATE, F) + cfg(),
    op(FAULT, A, 0, 2 | 8, 1), op(CREATE, F) + cfg(),
    op(FAULT, A, 0, 2 | 8, 0), op(ALLOC, F), op(ALLOC, F),
    op(FAULT, A, 0, 2 | 8 | 16, 0), op(CREATE, F) + cfg(cap=3),
    op(NOFAULT), op(RESERVE, A) + n_medium(3000), op(VERIFY))

seeds["bad-configs"] = cfg(es_raw=0xff) + cfg(bad_align=0) + ops(
    op(CREATE, A) + cfg(storage=3),
    op(CREATE, F) + cfg(storage=REALLOC),
    op(CREATE, A) + cfg(flags=True, b6=5 << 3),
    op(CREATE, A) + cfg(ak="incomplete", b6=2),
    op(CREATE, F) + cfg(ak="incomplete", b6=0),
    op(CREATE, A) + cfg(struct_kind=6, b6=1),           # too small
    op(CREATE, A) + cfg(struct_kind=6, b6=6),           # non-zero tail
    op(CREATE, A) + cfg(struct_kind=5),                 # longer, zero tail
    op(CREATE, F) + cfg(struct_kind=7, b6=0),           # NULL config
    op(CREATE, A) + cfg(es_raw=0xfe, align=1, b6=3),    # giant element
    op(ALLOC, A), op(EXTEND, A) + n_small(2), op(RESERVE, A) + n_small(1),
    op(CREATE, F) + cfg(es_raw=0xfe, align=1, b6=1),
    op(ALLOC, F), op(UNINIT, F),
    op(CREATE, A) + cfg(es_raw=0xfe, align=0),          # EOVERFLOW
    op(CREATE, A) + cfg(storage=FIXED, cap=0),
    op(CREATE, A) + cfg(storage=FIXED, special=1),
    op(CREATE, F) + cfg(storage=VM, special=2),
    op(CREATE, A) + cfg(storage=REALLOC, special=0),
    op(CREATE, F) + cfg(storage=FIXED, special=4, es=3, align=1),
    op(ALLOC, F), op(VERIFY))

seeds["reentrancy"] = cfg() + cfg() + ops(
    op(REENT, A, 0, 1), op(REENT, F, 0, 1),
    *[op(ALLOC, t) for t in (A, F) for _ in range(12)],
    op(CHECKPOINT, A, 0, 0), op(CHECKPOINT, F, 0, 1),
    *[op(ALLOC, t) for t in (A, F) for _ in range(12)],
    op(ROLLBACK, A, 0, 0), op(ROLLBACK, F, 0, 1),
    op(DRAIN, A), op(DRAIN, F),
    *[op(ALLOC, t) for t in (A, F) for _ in range(11)],
    op(RESET, A), op(RESET, F),
    *[op(ALLOC, t) for t in (A, F) for _ in range(10)],
    op(CREATE, A) + cfg(), op(CREATE, F) + cfg(),
    *[op(ALLOC, t) for t in (A, F) for _ in range(10)])

seeds["null-and-args"] = cfg() + cfg() + ops(
    op(NULLS), op(ALLOC_ALIAS, A) + u16(0), op(ALLOC_ALIAS, F) + u16(0),
    op(PUBLISH, A, 0, 3), op(ALLOC, A), op(PUBLISH, A, 0, 0),
    op(EXTEND, A, 3) + N_ZERO, op(UNINIT, F, 3), op(INFO, F))

seeds["big-alignment"] = cfg(es=1, align=4096, cap=4) + \
    cfg(es=33, align=1 << 20, cap=3) + ops(
    *[op(ALLOC, A) for _ in range(5)], *[op(ALLOC, F) for _ in range(4)],
    op(CREATE, A) + cfg(es=7, align=1 << 20, storage=FIXED, cap=3),
    *[op(ALLOC, A) for _ in range(4)],
    op(CREATE, F) + cfg(es=2, align=4096, storage=FIXED, cap=2),
    *[op(ALLOC, F) for _ in range(3)], op(VERIFY))

seeds["vm-shrink"] = cfg(es=13, align=1) + cfg() + ops(
    op(EXTEND, A) + n_medium(4000), op(CHECKPOINT, A, 0, 0),
    op(EXTEND, A) + n_medium(3000), op(ROLLBACK, A, 1, 0, 0) + u16(100),
    op(SHRINK, A), op(ALLOC, A), op(RESET, A), op(SHRINK, A),
    op(ALLOC, A), op(RESERVE, A) + N_ZERO, op(RESERVE, A) + n_medium(500),
    op(SHRINK, A), op(SHRINK, F), op(VERIFY))

seeds["uninit"] = cfg(es=10, align=2, storage=REALLOC, cap=2) + cfg() + ops(
    op(UNINIT, A, 0), op(UNINIT, A, 1), op(UNINIT, A, 0), op(UNINIT, A, 1),
    op(GET, A, 0, 0) + u16(3), op(UNINIT, F, 0), op(PUBLISH, F, 0, 0),
    op(VERIFY))

seeds["stats"] = cfg() + cfg(es=6, align=2, storage=FIXED, cap=40) + ops(
    op(INFO, F), *[op(ALLOC, F) for _ in range(5)], op(RESERVE, F),
    op(UNINIT, F), op(INFO, F), op(PUBLISH, F, 0, 0), op(SHRINK, F),
    op(CREATE, F) + cfg(es=6, align=2, cap=40), op(EXTEND, F) +
    N_BOUNDARY(2), op(INFO, F), op(EXTEND, F) + n_small(1))

seeds["mixed"] = cfg(es=12, align=4, storage=REALLOC, ak="malloc") + \
    cfg(es=9, align=1, storage=FIXED, cap=300, dtor=False) + ops(
    op(REENT, A, 0, 3), op(REENT, F, 0, 7),
    op(EXTEND, A) + n_medium(120), op(EXTEND, F) + n_medium(120),
    op(CHECKPOINT, A, 0, 0), op(CHECKPOINT, F, 0, 1),
    op(UNINIT, F), op(ALLOC, F), op(EXTEND_ALIAS, A) + u16(3) + u16(50),
    op(FAULT, A, 0, 3, 2, 1), op(ALLOC, A), op(ALLOC, F), op(ALLOC, A),
    op(EXTEND, A) + n_medium(700), op(NOFAULT), op(PUBLISH, F, 0, 0),
    op(ROLLBACK, F, 0, 1), op(ROLLBACK, A, 0, 0), op(GET, A, 0, 1) + u16(44),
    op(SHRINK, A), op(DRAIN, F), op(EXTEND, F) + N_BOUNDARY(2),
    op(EXTEND, F) + N_BOUNDARY(3), op(VERIFY), op(NULLS))

# Reproducers of library bugs found by the fuzzer, not yet fixed: they fail
# now.  Once a bug is fixed, move its file into corpus/ (it then guards the
# fix in make check) and move its entry into 'seeds' above.
known_bugs = {}

# fbump_arena, VM, capacity 5 of 64-byte elements: the first commit is a
# page, capacity() says 64 and the arena takes 64 elements (the fastarena
# of the same config takes 5).
known_bugs["arena-vm-capacity"] = cfg(es=64, align=64, cap=5) + cfg() + ops(
    *[op(ALLOC, A) for _ in range(7)])

# fbump_arena, REALLOC: reserve past PTRDIFF_MAX bytes fails with ENOSPC;
# doc/storage.md says REALLOC fails with ENOMEM only, and the semantics
# name ENOSPC for FIXED and VM only.
known_bugs["realloc-enospc"] = cfg(storage=REALLOC) + cfg() + ops(
    op(RESERVE, A) + N_PTRDIFF_EDGE(2))

# fbump_arena_reset of an arena that never had storage (VM before the
# first allocation): truncate_to computes slot(a, 0) = NULL + 0, which
# UBSan reports (pointer-overflow).
known_bugs["reset-null-base"] = cfg() + cfg() + ops(op(RESET, A))


def write(out, prefix, table):
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(table.items()):
        with open(os.path.join(out, prefix + name), "wb") as f:
            f.write(data)
    print("%d files in %s" % (len(table), out))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    write(os.path.join(here, "corpus"), "seed-", seeds)
    write(os.path.join(here, "corpus"), "regress-", known_bugs)


if __name__ == "__main__":
    main()
