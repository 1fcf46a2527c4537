/* The inputs every proof runs: fixed config strings (valid and invalid keyval, JSON, the
 * -incoming forms) and generated shapes of any length (1 MiB of commas, of `a.a.a`, of
 * `[[[[`, long lists...). Freestanding C: no libc, no heap. Included by driver.h,
 * untrusted.c and bench tooling. */
#ifndef PROOF_INPUTS_H
#define PROOF_INPUTS_H

#include <stddef.h>
#include <stdint.h>

/* What a fixed input must give (checked by the driver). */
#define EXPECT_ANY 100     /* any status the contract allows */
#define EXPECT_FAIL 101    /* some error (negative status) */
#define EXPECT_JSON_OK 102 /* MIGCFG_OK once JSON is supported, else an error */

struct proof_input {
    const char *text;
    size_t len; /* 0: use the string's length */
    uint32_t flags;
    int expect; /* a MIGCFG_* status or EXPECT_* */
};

#define KV(s, e) {s, 0, 0, e}
#define KVF(s, f, e) {s, 0, f, e}
#define KVN(s, e) {s, sizeof(s) - 1, 0, e} /* with NUL bytes inside */

#define BBM0 "block-bitmap-mapping.0.node-name=a,block-bitmap-mapping.0.alias=b"
#define BBM0B BBM0 ",block-bitmap-mapping.0.bitmaps.0.name=n,block-bitmap-mapping.0.bitmaps.0.alias=m"
#define TEN                                                                                    \
    "multifd-channels=4,max-bandwidth=1G,mode=cpr-transfer,downtime-limit=300,"                \
    "multifd-compression=zstd,multifd-zstd-level=3,tls-creds=tls0,cpu-throttle-initial=20,"    \
    "xbzrle-cache-size=64M,zero-page-detection=multifd"
#define TEN_JSON                                                                               \
    "{\"multifd-channels\": 4, \"max-bandwidth\": 1073741824, \"mode\": \"cpr-transfer\", "    \
    "\"downtime-limit\": 300, \"multifd-compression\": \"zstd\", \"multifd-zstd-level\": 3, "  \
    "\"tls-creds\": \"tls0\", \"cpu-throttle-initial\": 20, \"xbzrle-cache-size\": 67108864, " \
    "\"zero-page-detection\": \"multifd\"}"
/* Every parameter set to a valid value. */
#define ALL_KV                                                                                 \
    "announce-initial=50,announce-max=550,announce-rounds=5,announce-step=100,"                \
    "throttle-trigger-threshold=50,cpu-throttle-initial=20,cpu-throttle-increment=10,"         \
    "cpu-throttle-tailslow=on,tls-creds=c,tls-hostname=h,tls-authz=z,max-bandwidth=1G,"        \
    "avail-switchover-bandwidth=0,downtime-limit=300,x-checkpoint-delay=20000,"                \
    "multifd-channels=4,xbzrle-cache-size=64M,max-postcopy-bandwidth=0,max-cpu-throttle=99,"   \
    "multifd-compression=zstd,multifd-zlib-level=1,multifd-qatzip-level=1,"                    \
    "multifd-zstd-level=1," BBM0B ",x-vcpu-dirty-limit-period=1000,vcpu-dirty-limit=1,"        \
    "mode=cpr-exec,zero-page-detection=multifd,direct-io=on,x-rdma-chunk-size=1048576,"             \
    "cpr-exec-command.0=qemu,cpr-exec-command.1=-incoming,local=on"

static const struct proof_input proof_fixed[] = {
    /* keyval, accepted */
    KV("", 0),
    KV("multifd-channels=4", 0),
    KV(TEN, 0),
    KV(ALL_KV, 0),
    KV("multifd-channels=4,tls-creds=abc,cpr-exec-command.0=x,cpr-exec-command.1=y", 0),
    KV("tls-creds=1,tls-hostname=2,,x,tls-creds=3", 0),
    KV("tls-creds=,,id=bar", 0),
    KV("tls-creds=x,,,", 0),
    KV("tls-creds= a b ", 0),
    KV("tls-creds=y,", 0),
    KV("multifd-channels=abc,multifd-channels=4", 0),
    KV("downtime-limit=0x2a", 0),
    KV("downtime-limit=052", 0),
    KV("downtime-limit=-18446744073709551615", 0),
    KV("max-bandwidth=1.5G,xbzrle-cache-size=1T", 0),
    KV("cpr-exec-command.1=goner,cpr-exec-command.0=null,cpr-exec-command.01=eins,"
       "cpr-exec-command.2=zwei",
       0),
    KV("cpr-exec-command.0=,cpr-exec-command.1=I", 0),
    KV(BBM0B ",block-bitmap-mapping.0.bitmaps.0.transform.persistent=on", 0),
    KV(BBM0B ",block-bitmap-mapping.0.bitmaps.0.transform.persistent=off", 0),
    KV("tls-creds=\xff\xfe,tls-hostname=\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 0),
    KV("tls-creds=\x01\x1f\x7f\"\\/", 0),
    KV("cpu-throttle-initial=50,max-cpu-throttle=60", 0),
    KV("mode=cpr-reboot,zero-page-detection=legacy,multifd-compression=qatzip", 0),
    /* keyval, rejected */
    KV("help", EXPECT_FAIL),
    KV("multifd-channels=4,help", EXPECT_FAIL),
    KV("?", EXPECT_FAIL),
    KV("multifd-channels=0", -6),
    KV("max-cpu-throttle=10", -6),
    KV("xbzrle-cache-size=3000", -6),
    KV("multifd-channels=256", EXPECT_FAIL),
    KV("multifd-channels=4,,", -4),
    KV("foo=1", -5),
    KV("mode=bogus,tls-creds=q", -4),
    KV("a.b=1,a=2", EXPECT_FAIL),
    KV("=val", -3),
    KV(".", -3),
    KV("key.", -3),
    KV(",", -3),
    KV("tls-creds=a,b", -3),
    KV("multifd-channels", -3),
    KV("cpr-exec-command.1=lonely", -3),
    KV("cpr-exec-command.0=a,cpr-exec-command.x=b", -3),
    KV("cpr-exec-command.0.0=a", -5),
    KV("cpr-exec-command=", -4),
    KV("block-bitmap-mapping.0=x", -4),
    KV(BBM0B ",block-bitmap-mapping.0.bitmaps.0.transform.persistent=maybe", -4),
    KV("block-bitmap-mapping.0.alias=b,block-bitmap-mapping.0.bitmaps.0.alias=m", -4),
    KV("x1=1,x2=1,x3=1,x4=1,x5=1,x6=1,x7=1,x8=1,x9=1,x10=1,x11=1,x12=1,x13=1,x14=1,x1.a=2",
       EXPECT_FAIL),
    KVN("tls-creds=a\0b", -3),
    KVN("\0", -3),
    KVN("multifd-channels=4\0", -3),
    /* capabilities and other flags */
    KVF("multifd=on,postcopy-ram=on,multifd-channels=4", 1, 0),
    KVF("multifd=on,zero-copy-send=on", 1, EXPECT_ANY),
    KVF("mapped-ram=on,tls-creds=x", 1, EXPECT_ANY),
    KVF("x-checkpoint-delay=5", 2, EXPECT_FAIL),
    KVF("multifd-channels=4", 0x80000000u, -2),
    /* JSON */
    KV("{}", EXPECT_JSON_OK),
    KV("{\"multifd-channels\": 4}", EXPECT_JSON_OK),
    KV(TEN_JSON, EXPECT_JSON_OK),
    KV("{\"tls-creds\": null, 'tls-hostname': 'it''s', \"tls-authz\": \"\\u00e9\\ud83d\\ude00\"}",
       EXPECT_ANY),
    KV("{\"tls-creds\": \"a\\u0000b\\n\\t\\\"\\\\\\/\"}", EXPECT_JSON_OK),
    KV("{\"cpr-exec-command\": [\"a\", \"b\"], \"mode\": \"cpr-exec\"}", EXPECT_JSON_OK),
    KV("{\"cpr-exec-command\": []}", EXPECT_JSON_OK),
    KV("{\"block-bitmap-mapping\": []}", EXPECT_JSON_OK),
    KV("{\"block-bitmap-mapping\": [{\"node-name\": \"a\", \"alias\": \"b\", \"bitmaps\": "
       "[{\"name\": \"n\", \"alias\": \"m\", \"transform\": {\"persistent\": true}}, "
       "{\"name\": \"n2\", \"alias\": \"m2\", \"transform\": {}}]}]}",
       EXPECT_JSON_OK),
    /* Unknown members of each bitmap-mapping struct: the visit reads them from the text. */
    KV("{\"block-bitmap-mapping\": [{\"node-name\": \"a\", \"alias\": \"b\", \"bitmaps\": "
       "[{\"name\": \"n\", \"alias\": \"m\", \"transform\": {\"persistent\": true, "
       "\"x\": 1, \"\\u0079\": 2}}], \"z\": 3}]}",
       EXPECT_FAIL),
    KV("{\"block-bitmap-mapping\": [{\"node-name\": \"a\", \"alias\": \"b\", \"bitmaps\": "
       "[{\"name\": \"n\", \"alias\": \"m\", \"q\": 1, \"r\": 2}]}]}",
       EXPECT_FAIL),
    KV("{\"block-bitmap-mapping\": [{\"node-name\": \"a\", \"alias\": \"b\", \"bitmaps\": [], "
       "\"q\": 1, \"b\": 2, \"x\": 3, \"zz\": 4}]}",
       EXPECT_FAIL),
    KV("{\"multifd-channels\": \"4\"}", EXPECT_FAIL),
    KV("{\"multifd-channels\": 4.0}", EXPECT_FAIL),
    KV("{\"multifd-channels\": -1}", EXPECT_FAIL),
    KV("{\"multifd-channels\": 4, \"multifd-channels\": 4}", EXPECT_FAIL),
    KV("{\"multifd-channels\": 4,}", EXPECT_FAIL),
    KV("{\"multifd-channels\": 4} {}", EXPECT_FAIL),
    KV("{\"tls-creds\": \"\xff\"}", EXPECT_FAIL),
    KV("{\"tls-creds\": \"\\ud800\"}", EXPECT_FAIL),
    KV("{\"tls-creds\": \"a\x01\"}", EXPECT_FAIL),
    KV("{\"a\": [[[[", EXPECT_FAIL),
    KV("{\"foo\": 1}", EXPECT_FAIL),
    KV("{", EXPECT_FAIL),
    KV("{\"mode\": true}", EXPECT_FAIL),
    KVN("{\"tls-creds\": \"a\0\"}", -3),
    KVF("{\"multifd\": true, \"multifd-channels\": 4}", 1, EXPECT_ANY),
    /* 30 keys, 24 of them unexpected: QEMU's hash table is replayed in full. */
    KV("k0=1,multifd-channels=1,k1=1,k2=1,k3=1,k4=1,announce-max=1,k5=1,k6=1,k7=1,k8=1,downt"
       "ime-limit=1,k9=1,k10=1,k11=1,k12=1,max-bandwidth=1,k13=1,k14=1,k15=1,k16=1,announce-"
       "rounds=1,k17=1,k18=1,k19=1,k20=1,x-checkpoint-delay=1,k21=1,k22=1,k23=1",
       EXPECT_FAIL),
    KV("{\"k0\": 1, \"multifd-channels\": 1, \"k1\": 1, \"k2\": 1, \"k3\": 1, \"k4\": 1, \"a"
       "nnounce-max\": 1, \"k5\": 1, \"k6\": 1, \"k7\": 1, \"k8\": 1, \"downtime-limit\": 1,"
       " \"k9\": 1, \"k10\": 1, \"k11\": 1, \"k12\": 1, \"max-bandwidth\": 1, \"k13\": 1, \""
       "k14\": 1, \"k15\": 1, \"k16\": 1, \"announce-rounds\": 1, \"k17\": 1, \"k18\": 1, \""
       "k19\": 1, \"k20\": 1, \"x-checkpoint-delay\": 1, \"k21\": 1, \"k22\": 1, \"k23\": 1}",
       EXPECT_FAIL),
};
#define PROOF_FIXED_COUNT (sizeof(proof_fixed) / sizeof(proof_fixed[0]))

/* Arguments of -incoming (migcfg_incoming_add), once that family exists. */
static const struct proof_input proof_incoming[] = {
    KV("config:multifd-channels=4,mode=cpr-transfer", 0),
    KV("config:" TEN_JSON, EXPECT_ANY),
    KV("config:help", EXPECT_ANY),
    KV("config:multifd-channels=0", EXPECT_FAIL),
    KV("config:", EXPECT_ANY),
    KV("defer", EXPECT_ANY),
    KV("tcp:localhost:4444", EXPECT_ANY),
    KV("tcp:[::1]:4444,ipv6=on", EXPECT_ANY),
    KV("tcp::4444", EXPECT_ANY),
    KV("unix:/tmp/migcfg.sock", EXPECT_ANY),
    KV("vsock:3:1234", EXPECT_ANY),
    KV("fd:3", EXPECT_ANY),
    KV("fd:name", EXPECT_ANY),
    KV("file:/tmp/m,offset=0x1000", EXPECT_ANY),
    KV("exec:cat /tmp/m", EXPECT_ANY),
    KV("rdma:host:1234", EXPECT_ANY),
    KV("bogus:x", EXPECT_FAIL),
    KV("", EXPECT_FAIL),
    KV("{\"channel-type\": \"main\", \"addr\": {\"transport\": \"socket\", \"type\": \"inet\", "
       "\"host\": \"h\", \"port\": \"1\"}}",
       EXPECT_ANY),
    KV("{\"channel-type\": \"cpr\", \"addr\": {\"transport\": \"socket\", \"type\": \"unix\", "
       "\"path\": \"/tmp/cpr\"}}",
       EXPECT_ANY),
    KV("{\"channel-type\": \"main\", \"addr\": {\"transport\": \"exec\", \"args\": [\"a\", "
       "\"b\"]}}",
       EXPECT_ANY),
    KV("channel-type=main,addr.transport=socket,addr.type=unix,addr.path=/tmp/s", EXPECT_ANY),
    KV("channel-type=cpr,addr.transport=file,addr.filename=/tmp/f,addr.offset=4096", EXPECT_ANY),
    KV("main,addr.transport=rdma,addr.host=h,addr.port=1", EXPECT_ANY),
    KV("channel-type=bogus", EXPECT_FAIL),
    KVN("config:tls-creds=a\0b", EXPECT_FAIL),
    KVN("tcp:a\0:1", EXPECT_FAIL),
    /* 30 keys, 24 of them unexpected: QEMU's hash table is replayed in full. */
    KV("config:k0=1,multifd-channels=1,k1=1,k2=1,k3=1,k4=1,announce-max=1,k5=1,k6=1,k7=1,k8="
       "1,downtime-limit=1,k9=1,k10=1,k11=1,k12=1,max-bandwidth=1,k13=1,k14=1,k15=1,k16=1,an"
       "nounce-rounds=1,k17=1,k18=1,k19=1,k20=1,x-checkpoint-delay=1,k21=1,k22=1,k23=1",
       EXPECT_FAIL),
    KV("config:{\"k0\": 1, \"multifd-channels\": 1, \"k1\": 1, \"k2\": 1, \"k3\": 1, \"k4\":"
       " 1, \"announce-max\": 1, \"k5\": 1, \"k6\": 1, \"k7\": 1, \"k8\": 1, \"downtime-limi"
       "t\": 1, \"k9\": 1, \"k10\": 1, \"k11\": 1, \"k12\": 1, \"max-bandwidth\": 1, \"k13\""
       ": 1, \"k14\": 1, \"k15\": 1, \"k16\": 1, \"announce-rounds\": 1, \"k17\": 1, \"k18\""
       ": 1, \"k19\": 1, \"k20\": 1, \"x-checkpoint-delay\": 1, \"k21\": 1, \"k22\": 1, \"k2"
       "3\": 1}",
       EXPECT_FAIL),
};
#define PROOF_INCOMING_COUNT (sizeof(proof_incoming) / sizeof(proof_incoming[0]))

/* ---- generated shapes ---------------------------------------------------------------- */

struct proof_shape {
    const char *name;
    const char *head;  /* written once */
    const char *unit;  /* repeated; "%" is replaced by a counter (0, 1, 2, ...) */
    const char *tail;  /* written once, last (within the length) */
    int incoming_only; /* an -incoming argument rather than config text */
};

static const struct proof_shape proof_shapes[] = {
    {"commas", "", ",", "", 0},
    {"a.a.a", "", "a.", "a=1", 0},
    {"json-brackets", "{\"a\": ", "[", "", 0},
    {"json-brackets-closed", "{\"cpr-exec-command\": ", "[", "]", 0},
    {"keyval-list", "", "cpr-exec-command.%=a,", "", 0},
    {"keyval-list-same", "", "cpr-exec-command.0=a,", "", 0},
    {"json-list", "{\"cpr-exec-command\": [", "\"a\", ", "\"a\"]}", 0},
    {"repeat-key", "", "multifd-channels=4,", "multifd-channels=4", 0},
    {"long-value", "tls-creds=", "x", "", 0},
    {"long-key", "", "a", "=1", 0},
    {"long-index", "cpr-exec-command.", "0", "=a", 0},
    {"json-space", "{", " ", "}", 0},
    {"json-string", "{\"tls-creds\": \"", "x", "\"}", 0},
    {"json-escapes", "{\"tls-creds\": \"", "\\u00e9\\n", "\"}", 0},
    {"same-unknown-key", "", "x=1,", "", 0},
    {"distinct-unknown-keys", "", "k%=1,", "", 0},
    {"escaped-commas", "tls-creds=", ",,", "", 0},
    {"json-objects", "{\"a\": ", "{\"a\": ", "", 0},
    {"json-objects-known", "{\"block-bitmap-mapping\": ", "{\"a\": ", "", 0},
    {"deep-keys", "cpr-exec-command", ".0", "=a", 0},
    {"deep-bbm-keys", "block-bitmap-mapping.0.bitmaps.0.transform", ".persistent", "=on", 0},
    {"json-members", "{", "\"k%\": 1, ", "\"k\": 1}", 0},
    {"json-known-members", "{", "\"tls-creds\": \"x\", ", "\"z\": 1}", 0},
    {"non-utf8", "tls-creds=", "\xff", "", 0},
    {"json-non-utf8", "{\"tls-creds\": \"", "\xc3", "\"}", 0},
    {"nul-bytes", "tls-creds=", "\0", "", 0},
    {"equals", "tls-creds=", "=", "", 0},
    {"bbm-bitmaps", BBM0 ",", "block-bitmap-mapping.0.bitmaps.%.name=b,", "", 0},
    {"bbm-nodes", "", "block-bitmap-mapping.%.node-name=n,", "", 0},
    {"json-bbm-bitmaps",
     "{\"block-bitmap-mapping\": [{\"node-name\": \"a\", \"alias\": \"b\", \"bitmaps\": [",
     "{\"name\": \"b\", \"alias\": \"c\"}, ", "{}]}]}", 0},
    {"json-number", "{\"multifd-channels\": 1", "0", "}", 0},
    {"keyval-number", "downtime-limit=", "0", "1", 0},
    {"size-fraction", "max-bandwidth=1.", "0", "1K", 0},
    {"caps-repeat", "", "multifd=on,", "", 0},
    {"incoming-config-commas", "config:", ",", "", 1},
    {"incoming-config-list", "config:", "cpr-exec-command.%=a,", "", 1},
    {"incoming-config-json", "config:{\"a\": ", "[", "", 1},
    {"incoming-tcp-host", "tcp:", "a", ":1", 1},
    {"incoming-exec", "exec:", "a ", "", 1},
    {"incoming-unix", "unix:", "/p", "", 1},
    {"incoming-file-opts", "file:/f", ",offset=1", "", 1},
    {"incoming-channel-json", "{\"channel-type\": \"main\", \"addr\": ", "[", "", 1},
    {"incoming-channel-keyval", "channel-type=main", ",addr.x=1", "", 1},
};
#define PROOF_SHAPE_COUNT (sizeof(proof_shapes) / sizeof(proof_shapes[0]))

static size_t proof_strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

/* Writes the shape into buf, at most n bytes: head, then units while they fit with the
 * tail, then the tail. Units of "nul-bytes" are NUL bytes. Returns the length. */
static size_t proof_shape_fill(const struct proof_shape *sh, char *buf, size_t n)
{
    size_t len = 0, hl = proof_strlen(sh->head), tl = proof_strlen(sh->tail);
    size_t ul = proof_strlen(sh->unit);
    int nul = ul == 0; /* "\0" */
    unsigned long counter = 0;
    if (nul) {
        ul = 1;
    }
    if (hl + tl > n) {
        return 0;
    }
    for (size_t i = 0; i < hl; i++) {
        buf[len++] = sh->head[i];
    }
    for (;;) {
        char num[24];
        size_t nl = 0;
        unsigned long c = counter;
        do {
            num[nl++] = (char)('0' + c % 10);
            c /= 10;
        } while (c);
        size_t need = 0;
        for (size_t i = 0; i < ul; i++) {
            need += (!nul && sh->unit[i] == '%') ? nl : 1;
        }
        if (len + need + tl > n) {
            break;
        }
        for (size_t i = 0; i < ul; i++) {
            if (nul) {
                buf[len++] = 0;
            } else if (sh->unit[i] == '%') {
                for (size_t k = nl; k > 0; k--) {
                    buf[len++] = num[k - 1];
                }
            } else {
                buf[len++] = sh->unit[i];
            }
        }
        counter++;
    }
    for (size_t i = 0; i < tl; i++) {
        buf[len++] = sh->tail[i];
    }
    return len;
}

#endif
