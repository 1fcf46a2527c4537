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
for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 2000):
    if r.random() < 0.25:
        print(many() if r.random() < 0.7 else many_bbm())
        continue
    n = r.randint(1, 6)
    s = ",".join(item() for _ in range(n))
    if r.random() < 0.05: s += ","
    print(s)
