import json, random, sys
r = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
scalars = ["announce-initial","announce-max","announce-rounds","announce-step","throttle-trigger-threshold","cpu-throttle-initial","cpu-throttle-increment","cpu-throttle-tailslow","tls-creds","tls-hostname","tls-authz","max-bandwidth","avail-switchover-bandwidth","downtime-limit","x-checkpoint-delay","multifd-channels","xbzrle-cache-size","max-postcopy-bandwidth","max-cpu-throttle","multifd-compression","multifd-zlib-level","multifd-qatzip-level","multifd-zstd-level","x-vcpu-dirty-limit-period","vcpu-dirty-limit","mode","zero-page-detection","direct-io"]
vals = ["0","1","4","20","99","255","256","-1","0x10","010","08"," 4","4 ","1K","1.5G","64M","1e","on","off","yes","n","normal","cpr-transfer","none","zlib","zstd","legacy","multifd","", "a,,b", "x=y", "18446744073709551615", "18446744073709551616", "4096", "8192", "1000", "2000001", "-18446744073709551615", "0.5K", ".5k", "1.", "abc", "On"]
def key():
    c = r.random()
    if c < 0.55: return r.choice(scalars)
    if c < 0.65: return "cpr-exec-command." + r.choice(["0","1","2","x","0.0","0.x","5","-1"])
    if c < 0.78:
        n = r.choice(["0","1","x"])
        m = r.choice(["node-name","alias","bitmaps.0.name","bitmaps.0.alias","bitmaps.1.name","bitmaps.0.transform.persistent","bitmaps.0.transform","bitmaps","foo","0","bitmaps.0.foo","node-name.x"])
        return "block-bitmap-mapping." + n + "." + m
    if c < 0.85: return r.choice(["foo","bar","foo.bar","foo.1","a.b","a","__x_y","7up","help","?","HELP","multifd-channels.x","tls-creds.0","mode.1",""])
    if c < 0.9: return r.choice(scalars) + "." + r.choice(["x","0","1"])
    return r.choice(["cpr-exec-command","block-bitmap-mapping","block-bitmap-mapping.0","cpr-exec-command.0"])
def item():
    k = key()
    if r.random() < 0.07: return k
    return k + "=" + r.choice(vals)
def unknown():
    k = "".join(r.choice("abcxyz-_0.") for _ in range(r.randint(1, 6))).strip(".") or "q"
    # A downstream-extension name keeps its dots in one key fragment.
    return "__org.example_" + k if r.random() < 0.1 else k
# Members that take 1 in both syntaxes, so that the visit reaches its unexpected-key check.
ones = ["announce-initial","announce-max","announce-rounds","announce-step","throttle-trigger-threshold","cpu-throttle-initial","cpu-throttle-increment","max-bandwidth","avail-switchover-bandwidth","downtime-limit","x-checkpoint-delay","multifd-channels","max-postcopy-bandwidth","multifd-zlib-level","multifd-zstd-level","x-vcpu-dirty-limit-period","vcpu-dirty-limit"]
def many():
    # Several unexpected keys among members: QEMU names one by its hash table's order.
    keys = [r.choice(ones) if r.random() < 0.4 else unknown() for _ in range(r.randint(2, 40))]
    if r.random() < 0.5:
        return ",".join(k + "=1" for k in keys)
    seen, members = set(), []
    for k in keys:
        k = k.replace(".", "")
        if k not in seen:
            seen.add(k)
            members.append('"%s": 1' % k)
    return "{" + ", ".join(members) + "}"
def many_bbm():
    # Several unexpected members in one bitmap-mapping struct (a node, a bitmap, a transform).
    B = "block-bitmap-mapping"
    level = r.choice(["node", "bitmap", "transform"])
    extras = list(dict.fromkeys(unknown().replace(".", "") or "q" for _ in range(r.randint(2, 12))))
    if r.random() < 0.5:
        items = [B + ".0.node-name=a", B + ".0.alias=b", B + ".0.bitmaps.0.name=n", B + ".0.bitmaps.0.alias=m"]
        if level == "transform":
            items.append(B + ".0.bitmaps.0.transform.persistent=on")
        pre = {"node": B + ".0.", "bitmap": B + ".0.bitmaps.0.", "transform": B + ".0.bitmaps.0.transform."}[level]
        items += [pre + e + "=1" for e in extras]
        r.shuffle(items)
        return ",".join(items)
    bm = {"name": "n", "alias": "m"}
    if level == "transform":
        bm["transform"] = {"persistent": True}
    node = {"node-name": "a", "alias": "b", "bitmaps": [bm]}
    tgt = {"node": node, "bitmap": bm, "transform": bm.get("transform")}[level]
    for e in extras:
        tgt[e] = 1
    members = list(tgt.items())
    r.shuffle(members)
    tgt.clear()
    tgt.update(members)
    return json.dumps({B: [node]})
jvals = ["0", "1", "4", "-1", "255", "256", "3000", "18446744073709551615", "18446744073709551616",
         "-9223372036854775808", "1.5", "1e3", "0.0", "-0", "true", "false", "null", "[]", "{}",
         '"4"', '"1G"', '"on"', '"cpr-transfer"', '"normal"', '"zstd"', '"legacy"', '"multifd"', '""',
         "'x'", '"\\u0041"', '"\\ud800"', '"a\\/b"', '"\\u00e9"', '"tls0"', '[1]', '["a"]']
def jstr():
    return r.choice(['"a"', '"b"', "'c'", '"\\u0041"', '""', '"x y"', '1', 'null', '[]', '{}', 'true'])
def jbitmap():
    m = []
    for k in r.sample(["name", "alias", "transform", "foo"], r.randint(0, 4)):
        if k == "transform":
            v = r.choice(["{}", '{"persistent": true}', '{"persistent": 1}', '{"persistent": false, "x": 1}', "[]", "null"])
        else:
            v = jstr()
        m.append('"%s": %s' % (k, v))
    return "{" + ", ".join(m) + "}"
def jnode():
    m = []
    for k in r.sample(["node-name", "alias", "bitmaps", "foo"], r.randint(0, 4)):
        v = "[" + ", ".join(jbitmap() for _ in range(r.randint(0, 3))) + "]" if k == "bitmaps" and r.random() < 0.8 else jstr()
        m.append('"%s": %s' % (k, v))
    return "{" + ", ".join(m) + "}"
def jgood(k):
    # A value of the member's own type, often in range.
    if k.startswith("tls-"):
        return r.choice(['"tls0"', '""', "null"])
    enums = {"mode": ['"normal"', '"cpr-transfer"', '"cpr-exec"'],
             "multifd-compression": ['"none"', '"zlib"', '"zstd"'],
             "zero-page-detection": ['"none"', '"legacy"', '"multifd"'],
             "direct-io": ["true", "false"]}
    return r.choice(enums.get(k, ["1", "4", "20", "64", "100", "1048576", "67108864"]))
def jmember():
    c = r.random()
    if c < 0.6:
        k = r.choice(scalars)
        return '"%s": %s' % (k, jgood(k) if r.random() < 0.6 else r.choice(jvals))
    if c < 0.72:
        return '"cpr-exec-command": ' + r.choice(["[" + ", ".join(jstr() for _ in range(r.randint(0, 4))) + "]", jstr()])
    if c < 0.86:
        return '"block-bitmap-mapping": ' + r.choice(["[" + ", ".join(jnode() for _ in range(r.randint(0, 3))) + "]", jstr()])
    if c < 0.93:
        return '"%s": %s' % (r.choice(["foo", "x-foo", "multifd", "Mode", ""]), r.choice(jvals))
    return '"%s": %s' % (r.choice(scalars), r.choice(["1 2", "tru", "01", "1.", "'a", '"\\x"', "]"]))
def jconfig():
    s = "{" + r.choice(["", " "]).join([", ".join(jmember() for _ in range(r.randint(0, 6)))]) + "}"
    c = r.random()
    if c < 0.05:
        s += r.choice([" ", "x", "{}", " 1"])
    elif c < 0.1:
        s = s[:r.randint(1, len(s))]
    return s
for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 2000):
    if r.random() < 0.3:
        print(jconfig())
        continue
    if r.random() < 0.25:
        print(many() if r.random() < 0.7 else many_bbm())
        continue
    n = r.randint(1, 6)
    s = ",".join(item() for _ in range(n))
    if r.random() < 0.05: s += ","
    print(s)
