. /lib/klp-check.sh
up() { cut -d. -f1 /proc/uptime; }
expect_ok "uptime below 100000 s before loading" [ "$(up)" -lt 100000 ]
klp_load /klp.ko "$KLP_NAME"
expect_ok "uptime shifted by the header change while patched" [ "$(up)" -ge 100000 ]
klp_unload "$KLP_NAME"
expect_ok "uptime below 100000 s after disable + rmmod" [ "$(up)" -lt 100000 ]
klp_done
