#!/usr/bin/env python3
"""Config inputs around the list capacities (64 `cpr-exec-command` elements; 8 nodes and 32
bitmaps of `block-bitmap-mapping`), keyval or JSON, with errors put before, inside, at and
past the capacities and in later parameters: past a capacity migcfg must give QEMU's error
when QEMU meets it before the first element past the capacity, and its capacity error
otherwise (`cmp.py IN QEMU MIGCFG --capacity` counts those apart).

    python3 capacity.py SEED COUNT > inputs.txt
"""
import json
import random
import sys

r = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
BAD_SCALARS = [("mode", "bad"), ("announce-initial", "x"), ("multifd-channels", "300"),
               ("tls-creds", None), ("zero-page-detection", "nope")]


def exec_list():
    n = r.choice([63, 64, 65, 66, 70, 100])
    elems = ["a%d" % i for i in range(n)]
    return elems


def bbm_nodes():
    nnodes = r.choice([1, 2, 7, 8, 9, 10])
    nodes = []
    total = r.choice([4, 31, 32, 33, 40])
    for i in range(nnodes):
        nb = total // nnodes + (1 if i < total % nnodes else 0)
        bms = [{"name": "b%d" % j, "alias": "c%d" % j} for j in range(nb)]
        nodes.append({"node-name": "n%d" % i, "alias": "a%d" % i, "bitmaps": bms})
    return nodes


def spoil_node(nodes):
    """One error somewhere in the mapping: a missing or unknown member, a wrong type."""
    i = r.randrange(len(nodes))
    node = nodes[i]
    c = r.randrange(6)
    if c == 0:
        del node["alias"]
    elif c == 1:
        node["zz"] = 1
    elif c == 2:
        node["node-name"] = 5
    elif c == 3 and node["bitmaps"]:
        j = r.randrange(len(node["bitmaps"]))
        node["bitmaps"][j] = r.choice([None, 1, {"name": "b"}, {"name": "b", "alias": "c", "q": 1},
                                       {"name": "b", "alias": "c", "transform": {"persistent": "x"}}])
    elif c == 4:
        node["bitmaps"] = r.choice([None, {}])
    else:
        nodes[i] = r.choice([None, 3, []])


def to_keyval(obj):
    items = []

    def walk(prefix, v):
        if isinstance(v, dict):
            if not v:
                return
            for k, x in v.items():
                walk(prefix + "." + k if prefix else k, x)
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk("%s.%d" % (prefix, i), x)
        elif v is None:
            return
        elif isinstance(v, bool):
            items.append("%s=%s" % (prefix, "on" if v else "off"))
        else:
            items.append("%s=%s" % (prefix, str(v).replace(",", ",,")))

    walk("", obj)
    if r.random() < 0.3:
        r.shuffle(items)
    return ",".join(items)


def one():
    obj = {}
    if r.random() < 0.3:
        k, v = r.choice(BAD_SCALARS)
        obj[k] = v
    if r.random() < 0.7:
        e = exec_list()
        if r.random() < 0.4:
            e[r.randrange(len(e))] = r.choice([1, None, {"x": 1}, ["y"]])
        obj["cpr-exec-command"] = e
    if r.random() < 0.7:
        nodes = bbm_nodes()
        if r.random() < 0.5:
            spoil_node(nodes)
        obj["block-bitmap-mapping"] = nodes
    if r.random() < 0.3:
        obj["unknown-thing"] = 1
    keys = list(obj)
    r.shuffle(keys)
    obj = {k: obj[k] for k in keys}
    if r.random() < 0.5:
        return json.dumps(obj)
    return to_keyval(obj)


for _ in range(COUNT):
    print(one())
