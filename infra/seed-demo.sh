#!/usr/bin/env bash
# Seeds a demo NGO into a running system through the public API: posts from VK (Callback API), tracked links, clicks
# from people and from VK's link-preview bot, and donations through signed generic webhooks (one delivered twice).
set -euo pipefail
ingestion=${DONATIONS_INGESTION_URL:-http://127.0.0.1:5101}
reporting=${DONATIONS_REPORTING_URL:-http://127.0.0.1:5103}
admin=${DONATIONS_ADMIN_KEY:?DONATIONS_ADMIN_KEY must be set}
ngo="demo-$(date +%s)"
secret="demo-generic-secret-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
browser="Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"

call() { # method, path, key, json
  curl -fsS -X "$1" "$ingestion$2" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' -d "$4"
}
click() { # code, user agent → click id
  curl -fsS -o /dev/null -w '%{redirect_url}' -A "$2" "$ingestion/r/$1" | sed 's/.*click_id=//'
}
donate() { # tx id, amount in kopecks, click id or empty, fundraiser or empty
  local body t sig
  body=$(jq -cn --arg id "$1" --argjson amount "$2" --arg click "$3" --arg fundraiser "$4" --arg at "$(date -u +%FT%TZ)" \
    '{type:"donation.succeeded", id:$id, amountMinor:$amount, currency:"RUB", occurredAt:$at,
      clickId:(if $click=="" then null else $click end), fundraiserId:(if $fundraiser=="" then null else $fundraiser end)}')
  t=$(date +%s)
  sig=$(printf '%s' "$t.$body" | openssl dgst -sha256 -hmac "$secret" -hex | awk '{print $NF}')
  curl -fsS -o /dev/null -X POST "$ingestion/webhooks/generic/$ngo" -H 'Content-Type: application/json' \
    -H "Donations-Signature: t=$t,v1=$sig" -d "$body"
}

keys=$(call POST /api/ngos "$admin" "{\"id\":\"$ngo\",\"name\":\"Фонд «Тёплый дом»\",\"vkGroupId\":218375,\"verified\":true}")
manager=$(jq -r .managerKey <<<"$keys"); viewer=$(jq -r .viewerKey <<<"$keys")
call PUT "/api/ngos/$ngo/providers/generic" "$manager" "{\"secret\":\"$secret\"}" >/dev/null

now=$(date -u +%FT%TZ)
call POST "/api/ngos/$ngo/campaigns" "$manager" "{\"id\":\"winter-2026\",\"name\":\"Зима 2026\",\"startsAt\":\"$now\"}" >/dev/null
call POST "/api/ngos/$ngo/campaigns" "$manager" "{\"id\":\"spring-2027\",\"name\":\"Весна 2027\",\"startsAt\":\"$now\"}" >/dev/null
call POST "/api/ngos/$ngo/fundraisers" "$manager" "{\"id\":\"warm-coats\",\"campaignId\":\"winter-2026\",\"title\":\"Тёплые куртки\",\"goal\":{\"amountMinor\":30000000,\"currency\":\"RUB\"},\"deadline\":\"$(date -u -d '+30 days' +%FT%TZ)\"}" >/dev/null
call POST "/api/ngos/$ngo/spend" "$manager" "{\"campaignId\":\"winter-2026\",\"amountMinor\":150000,\"currency\":\"RUB\",\"source\":\"own\",\"at\":\"$now\"}" >/dev/null
# The community's posts arrive as VK sends them, over the Callback API (wall_post_new, with VK's counts), and are assigned
# to campaigns as a person does on the Posts page; the third is pasted by its address, as a post from elsewhere would be.
vk_secret="demo-vk-secret-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
call PUT "/api/ngos/$ngo/providers/vk" "$manager" "{\"groupId\":218375,\"secret\":\"$vk_secret\",\"confirmation\":\"demo-confirm\"}" >/dev/null
vk_post() { # post id, hours ago, views, likes, reposts, text
  jq -cn --arg secret "$vk_secret" --argjson id "$1" --argjson date "$(( $(date +%s) - $2 * 3600 ))" --argjson views "$3" --argjson likes "$4" \
    --argjson reposts "$5" --arg text "$6" '{type:"wall_post_new", group_id:218375, secret:$secret, event_id:("demo-post-\($id)"), v:"5.199",
      object:{id:$id, owner_id:-218375, from_id:-218375, date:$date, post_type:"post", text:$text,
              views:{count:$views}, likes:{count:$likes}, reposts:{count:$reposts}}}' |
    curl -fsS -o /dev/null -X POST "$ingestion/webhooks/vk/$ngo" -H 'Content-Type: application/json' -d @-
}
vk_post 1001 30 12840 412 57 $'Собираем тёплые куртки для 120 детей из приютов области.\nКаждая куртка — 2 500 ₽. Ссылка на сбор ниже.'
vk_post 1002 20 8310 655 118 'Спасибо всем, кто помог в ноябре! Смотрите, как дети получили подарки.'
call PUT "/api/ngos/$ngo/posts/wall-218375_1001" "$manager" '{"campaignId":"winter-2026","fundraiserId":"warm-coats"}' >/dev/null
call PUT "/api/ngos/$ngo/posts/wall-218375_1002" "$manager" '{"campaignId":"winter-2026"}' >/dev/null
call POST "/api/ngos/$ngo/posts" "$manager" '{"id":"https://vk.com/wall-218375_1003","campaignId":"spring-2027"}' >/dev/null
call POST "/api/ngos/$ngo/spend" "$manager" "{\"campaignId\":\"winter-2026\",\"postId\":\"wall-218375_1001\",\"amountMinor\":300000,\"currency\":\"RUB\",\"source\":\"vk_grant\",\"at\":\"$now\"}" >/dev/null
link1=$(call POST "/api/ngos/$ngo/links" "$manager" '{"postId":"wall-218375_1001","targetUrl":"https://pay.example.org/warm-coats?lang=ru"}' | jq -r .code)
link2=$(call POST "/api/ngos/$ngo/links" "$manager" '{"postId":"wall-218375_1002","targetUrl":"https://pay.example.org/give"}' | jq -r .code)
link3=$(call POST "/api/ngos/$ngo/links" "$manager" '{"postId":"wall-218375_1003","targetUrl":"https://pay.example.org/give"}' | jq -r .code)

click "$link1" "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)" >/dev/null
donate tx-1001 150000 "$(click "$link1" "$browser")" ""
donate tx-1002 50000 "$(click "$link1" "$browser")" ""
donate tx-1003 25000 "$(click "$link2" "$browser")" ""
donate tx-1004 100000 "$(click "$link3" "$browser")" ""
donate tx-1004 100000 "" ""                      # the provider retried: counted once
donate tx-1005 30000 "$(click "$link1" "vkShare")" ""   # a bot's click earns nothing
donate tx-1006 70000 "" "warm-coats"             # named the fundraiser, no click
donate tx-1007 40000 "" ""                       # no click id
for _ in 1 2 3 4 5; do click "$link2" "$browser" >/dev/null; done

for _ in $(seq 1 60); do
  summary=$(curl -fsS "$reporting/api/ngos/$ngo/reports/summary" -H "Authorization: Bearer $viewer" 2>/dev/null || true)
  [ "$(jq -r '.currencies[0].donations // 0' <<<"${summary:-{\}}")" = 7 ] && break
  sleep 0.5
done

cat <<INFO
Demo NGO '$ngo' seeded: 3 posts (2 from VK with its counts), 3 tracked links, clicks and 7 donations (one delivered twice).
  web app:     http://127.0.0.1:5100/  — NGO id '$ngo' with the manager or the viewer key
  manager key: $manager
  viewer key:  $viewer
  summary:     curl -s $reporting/api/ngos/$ngo/reports/summary -H 'Authorization: Bearer $viewer'
$(jq . <<<"$summary")
INFO
