# Writes random combinations of block/flow collections, comment lines and blank lines in the cases format of
# tests/TazLab.ImageAutomation.Tests/Setters/MarkerPlacement (expectations are then added by the Go placement tool).
# usage: python3 placement-combinations.py SEED > combinations.txt
import random
import sys
random.seed(int(sys.argv[1]))
M = lambda n: '# {"$imagepolicy": "ns:%s"}' % n
out = []
def block(ind, depth, names):
    lines = []
    kind = random.choice(['seq', 'seqw', 'map', 'flow', 'flowm'])
    for k in range(random.randint(1, 3)):
        if random.random() < 0.3: lines.append('')
        if random.random() < 0.5: lines.append(' ' * (ind + random.choice([0, 0, 2, -2 if ind >= 2 else 0])) + M(next(names)))
        if random.random() < 0.3: lines.append('')
        key = 'k%d' % k
        if depth > 0 and random.random() < 0.3:
            lines.append(' ' * ind + key + ':')
            lines += block(ind + 2, depth - 1, names)
            continue
        if kind in ('seq', 'seqw'):
            lines.append(' ' * ind + key + ':')
            si = ind if kind == 'seq' else ind + 2
            for j in range(random.randint(1, 3)):
                if random.random() < 0.3: lines.append('')
                if random.random() < 0.5: lines.append(' ' * (si + random.choice([0, 0, 2])) + M(next(names)))
                if random.random() < 0.3: lines.append('')
                r = random.random()
                if r < 0.15: lines += [' ' * si + '- ' + M(next(names)), ' ' * (si + 2) + 'v%d' % j]
                elif r < 0.25: lines += [' ' * si + '-', ' ' * (si + 2) + M(next(names)), ' ' * (si + 2) + 'v%d' % j]
                elif r < 0.35: lines += [' ' * si + '- name: x', ' ' * (si + 2) + 'image: y' + random.choice(['', ' ' + M(next(names))])]
                else: lines.append(' ' * si + '- v%d' % j + random.choice(['', '', ' ' + M(next(names)), ' # note']))
        elif kind == 'map':
            if random.random() < 0.3:
                lines += [' ' * ind + key + ':' + random.choice(['', ' # note']), ' ' * (ind + 2) + M(next(names)) if random.random() < 0.7 else '', ' ' * (ind + 2) + 'v']
            else:
                lines.append(' ' * ind + key + ': v' + random.choice(['', ' ' + M(next(names))]))
        else:
            o, c = ('[', ']') if kind == 'flow' else ('{', '}')
            items = []
            n = random.randint(1, 3)
            s = ' ' * ind + key + ': ' + o
            for j in range(n):
                item = ('v%d' % j) if kind == 'flow' else ('f%d: v%d' % (j, j))
                s += item
                if j < n - 1 or random.random() < 0.3: s += ','
                r = random.random()
                if r < 0.4:
                    s += ' ' + M(next(names)); lines.append(s); s = ' ' * (ind + 2)
                elif r < 0.6:
                    lines.append(s); lines.append(' ' * (ind + 2) + M(next(names))); s = ' ' * (ind + 2)
                else:
                    s += ' '
            if s.strip() == '': s = ' ' * ind
            lines.append(s + c + random.choice(['', ' ' + M(next(names))]))
    return lines
def names():
    i = 0
    while True:
        i += 1; yield 'm%d' % i
for n in range(200):
    out.append('@@@ combination %d | go-yaml v3 scannerc.go yaml_parser_scan_comments + parserc.go, random combination (seed %s)' % (n, sys.argv[1]))
    out += block(0, 2, names())
print('# Random combinations (tools/goref/placement-combinations.py %s); the => lines were produced by Go (go-yaml v3.0.1, tools/goref/placement).' % sys.argv[1])
print('\n'.join(out))
