#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# tools/callcycles.py: the call cycles between source files of core/, read from
# the objects with nm. A file calls another when one of its undefined symbols is
# defined in the other (a function or a global: T, D, B or R); a cycle is a
# strongly connected set of such files.
# Issue 18's rule: no cycle of more than two files. tools/cycles.allow lists the
# two-file cycles that remain on purpose, "a.c b.c  reason" a line.
#
# Usage: python3 tools/callcycles.py [DIR...]   (default DIR: core)
# Prints every cycle of two or more files, largest first; exit 1 when one has
# more than two files or a two-file cycle is not in tools/cycles.allow.
import os, subprocess, sys

def objects(dirs):
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                # an object whose source has moved away is stale: not part of the tree
                if f.endswith('.o') and os.path.exists(os.path.join(root, f[:-2] + '.c')):
                    yield os.path.join(root, f)

def symbols(obj):
    out = subprocess.run(['nm', obj], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in 'TDBR':
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == 'U':
            undefined.add(parts[1])
    return defined, undefined

def sccs(nodes, edges):
    index, low, on, stack, out, n = {}, {}, set(), [], [], [0]
    sys.setrecursionlimit(10000)
    def visit(v):
        index[v] = low[v] = n[0]; n[0] += 1
        stack.append(v); on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out

def main(argv):
    dirs = [a.rstrip('/') for a in argv] or ['core']
    objs = list(objects(dirs))
    if not objs:
        print('callcycles: no objects under %s (build first)' % ' '.join(dirs), file=sys.stderr)
        return 2
    owner, undef = {}, {}
    for o in objs:
        src = o[:-2] + '.c'
        d, u = symbols(o)
        for s in d:
            owner[s] = src
        undef[src] = u
    edges = {f: {owner[s] for s in u if s in owner and owner[s] != f} for f, u in undef.items()}
    allow = set()
    if os.path.exists('tools/cycles.allow'):
        for line in open('tools/cycles.allow'):
            line = line.split('#')[0].split()
            if len(line) >= 2:
                allow.add(tuple(sorted(line[:2])))
    bad = 0
    for comp in sorted(sccs(edges.keys(), edges), key=len, reverse=True):
        if len(comp) < 2:
            continue
        ok = len(comp) == 2 and tuple(comp) in allow
        print('%s cycle of %d: %s' % ('allowed' if ok else 'BAD', len(comp), ' '.join(comp)))
        bad += not ok
    print('callcycles: %s' % ('OK' if not bad else '%d cycle(s) over the rule' % bad))
    return 1 if bad else 0

sys.exit(main(sys.argv[1:]))
