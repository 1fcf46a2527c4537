import random, sys
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
for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 2000):
    n = r.randint(1, 6)
    s = ",".join(item() for _ in range(n))
    if r.random() < 0.05: s += ","
    print(s)
