import QRCode from "qrcode";
import { ApiError } from "../../core/api";
import { append, el, fill } from "../../core/dom";
import type { Ctx, Page } from "../page";
import { connectionErrors } from "./connect";

// The community's posts as VK shows them (text as text, views, likes, reposts, reach), each assigned to a campaign and
// fundraiser and given its tracked link with one click: copy it, or show its QR code. Posts outside the community are
// added by pasting their address.
interface PostRow {
  id: string; publishedAt: string; text: string | null; views: number | null; likes: number | null; reposts: number | null; reach: number | null;
  campaignId: string | null; fundraiserId: string | null; links: { code: string; url: string }[]; fromVk: boolean; refreshedAt: string | null;
}
interface CampaignLine { campaignId: string; name: string }
interface FundraiserLine { fundraiserId: string; title: string; campaignId: string | null }

const messages = {
  ru: {
    title: "Посты", sync: "Синхронизировать сейчас", synced: "Синхронизировано: постов {posts}.", notConnected: "Сообщество не подключено — посты можно добавить по адресу.",
    payUrl: "Страница пожертвования — куда ведут ссылки постов (https://…)", payUrlMissing: "Укажите адрес страницы пожертвования, начиная с https://.",
    newCampaign: "Новая кампания", campaignName: "Название кампании", create: "Создать", campaignCreated: "Кампания «{name}» создана.",
    paste: "Пост не из сообщества", pasteUrl: "Адрес поста (https://vk.com/wall-123_456)", add: "Добавить", added: "Пост {id} добавлен.",
    date: "Дата", text: "Текст", views: "Просмотры", likes: "Лайки", reposts: "Репосты", reach: "Охват", campaign: "Кампания", fundraiser: "Сбор", link: "Ссылка",
    chooseCampaign: "— кампания —", noFundraiser: "— без сбора —", assign: "Привязать", assignFirst: "сначала привяжите к кампании",
    makeLink: "Сделать ссылку", copy: "Копировать", copied: "Ссылка скопирована: {url}", qr: "QR-код", qrTitle: "QR-код ссылки поста {id}", downloadQr: "Скачать PNG",
    pasted: "добавлен по адресу", noCampaigns: "Кампаний пока нет: создайте первую выше.",
    "err.campaignId": "Выберите кампанию.", "err.targetUrl": "Адрес страницы пожертвования не подходит: нужен полный адрес https://….",
    "err.id": "Это не адрес поста ВКонтакте. Пример: https://vk.com/wall-123_456.", "err.@409": "Такой пост уже добавлен.",
  },
  en: {
    title: "Posts", sync: "Sync now", synced: "Synced: {posts} posts.", notConnected: "No community is connected — posts can be added by their address.",
    payUrl: "Donation page — where the posts' links lead (https://…)", payUrlMissing: "Give the donation page's address, starting with https://.",
    newCampaign: "New campaign", campaignName: "Campaign name", create: "Create", campaignCreated: "Campaign “{name}” created.",
    paste: "A post from outside the community", pasteUrl: "Post address (https://vk.com/wall-123_456)", add: "Add", added: "Post {id} added.",
    date: "Date", text: "Text", views: "Views", likes: "Likes", reposts: "Reposts", reach: "Reach", campaign: "Campaign", fundraiser: "Fundraiser", link: "Link",
    chooseCampaign: "— campaign —", noFundraiser: "— no fundraiser —", assign: "Assign", assignFirst: "assign a campaign first",
    makeLink: "Make link", copy: "Copy", copied: "Link copied: {url}", qr: "QR code", qrTitle: "QR code of post {id}'s link", downloadQr: "Download PNG",
    pasted: "added by address", noCampaigns: "No campaigns yet: create the first one above.",
    "err.campaignId": "Choose a campaign.", "err.targetUrl": "The donation page's address does not work: give a full https://… address.",
    "err.id": "This is not a VK post address. Example: https://vk.com/wall-123_456.", "err.@409": "This post is already added.",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api, format } = ctx;
  const manager = ctx.role === "manager";
  const status = el("div", { "data-testid": "posts-status" });
  const [list, campaigns, fundraisers, connected] = await Promise.all([
    api.get<{ posts: PostRow[] }>("posts"),
    api.get<CampaignLine[]>("reports/campaigns"),
    api.get<FundraiserLine[]>("reports/fundraisers"),
    api.get("vk").then(() => true, (e) => { if (e instanceof ApiError && e.status === 404) return false; throw e; }),
  ]);
  // Reports learn a new campaign a moment later: the ones made here are kept for this tab until they show there.
  const recent = `donations.campaigns.${ctx.ngo}`;
  const made = (JSON.parse(sessionStorage.getItem(recent) ?? "[]") as CampaignLine[]).filter((c) => !campaigns.some((k) => k.campaignId === c.campaignId));
  sessionStorage.setItem(recent, JSON.stringify(made));
  campaigns.push(...made);
  const names = new Map(campaigns.map((c) => [c.campaignId, c.name]));
  const titles = new Map(fundraisers.map((f) => [f.fundraiserId, f.title]));
  const errors = Object.fromEntries(["campaignId", "targetUrl", "id", "@409"].map((k) => [k, t(`err.${k}`)]));
  const fail = (error: unknown) => fill(status, ctx.error(error, { ...connectionErrors(ctx), ...errors }));
  const qrBox = el("div", { class: "card qr", "data-testid": "qr-box", hidden: true });

  const stored = `donations.payUrl.${ctx.ngo}`;
  const payUrl = el("input", { type: "url", "data-testid": "pay-url", value: localStorage.getItem(stored) ?? "", placeholder: "https://" });
  payUrl.addEventListener("change", () => localStorage.setItem(stored, payUrl.value.trim()));

  const campaignSelect = (testid: string) => el("select", { "data-testid": testid }, el("option", { value: "" }, t("chooseCampaign")),
    ...campaigns.map((c) => el("option", { value: c.campaignId }, c.name)));
  const fundraiserSelect = (testid: string) => el("select", { "data-testid": testid }, el("option", { value: "" }, t("noFundraiser")),
    ...fundraisers.map((f) => el("option", { value: f.fundraiserId }, f.title)));

  const showQr = async (post: PostRow, url: string) => {
    const png = await QRCode.toDataURL(url, { errorCorrectionLevel: "M", margin: 2, width: 320 });
    fill(qrBox, el("h2", {}, t("qrTitle", { id: post.id })), el("img", { src: png, alt: url, "data-testid": "qr-image" }),
      el("p", { "data-testid": "qr-url" }, url), el("a", { href: png, download: `${post.id}-qr.png` }, t("downloadQr")));
    qrBox.hidden = false;
    qrBox.scrollIntoView();
  };

  const linkCell = (post: PostRow) => {
    const link = post.links[0];
    if (link) return el("div", { "data-testid": "link" },
      el("code", { "data-testid": "link-url" }, link.url), el("br"),
      el("button", { type: "button", class: "secondary", "data-testid": "copy-link", onclick: async () => {
        try {
          await navigator.clipboard.writeText(link.url);
          fill(status, ctx.notice(t("copied", { url: link.url })));
        } catch (error) { fail(error); }
      } }, t("copy")), " ",
      el("button", { type: "button", class: "secondary", "data-testid": "show-qr", onclick: () => void showQr(post, link.url) }, t("qr")));
    if (!post.campaignId) return el("span", { class: "muted" }, t("assignFirst"));
    if (!manager) return "—";
    return el("button", { type: "button", "data-testid": "make-link", onclick: async () => {
      const target = payUrl.value.trim();
      if (!/^https?:\/\//i.test(target)) { fill(status, ctx.error(new ApiError(400, "targetUrl", ""), { "@400": t("payUrlMissing") })); payUrl.focus(); return; }
      localStorage.setItem(stored, target);
      try {
        await api.post("links", { postId: post.id, targetUrl: target });
        ctx.refresh();
      } catch (error) { fail(error); }
    } }, t("makeLink"));
  };

  const campaignCell = (post: PostRow) => {
    if (post.campaignId) return el("div", { "data-testid": "assigned" }, names.get(post.campaignId) ?? post.campaignId,
      post.fundraiserId ? el("div", { class: "muted" }, titles.get(post.fundraiserId) ?? post.fundraiserId) : null);
    if (!manager) return "—";
    const campaign = campaignSelect("assign-campaign");
    const fundraiser = fundraiserSelect("assign-fundraiser");
    return el("div", {}, campaign, " ", fundraiser, " ", el("button", { type: "button", "data-testid": "assign", onclick: async () => {
      if (!campaign.value) { fill(status, ctx.error(new ApiError(400, "", "'campaignId'"), errors)); return; }
      try {
        await api.put(`posts/${encodeURIComponent(post.id)}`, { campaignId: campaign.value, fundraiserId: fundraiser.value || undefined });
        ctx.refresh();
      } catch (error) { fail(error); }
    } }, t("assign")));
  };

  const tools = el("section", { class: "card" });
  if (manager) {
    const syncButton = el("button", { type: "button", "data-testid": "sync-now", disabled: !connected, onclick: async () => {
      syncButton.disabled = true;
      try {
        const result = await api.post<{ posts: number }>("vk/sync");
        // The notice is shown on the redrawn page.
        sessionStorage.setItem("donations.notice", t("synced", { posts: format.number(result.posts) }));
        ctx.refresh();
      } catch (error) { fail(error); syncButton.disabled = false; }
    } }, t("sync"));
    const campaignName = el("input", { "data-testid": "campaign-name" });
    const pasteUrl = el("input", { type: "url", "data-testid": "paste-url" });
    const pasteCampaign = campaignSelect("paste-campaign");
    const pasteFundraiser = fundraiserSelect("paste-fundraiser");
    append(tools,
      el("div", { class: "row" }, syncButton, connected ? null : el("span", { class: "muted" }, t("notConnected"))),
      el("label", {}, t("payUrl"), payUrl),
      el("form", { class: "row", onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          const created = await api.post<{ campaignId: string; name: string }>("campaigns", { name: campaignName.value.trim(), startsAt: new Date(Date.now() - 60_000).toISOString() });
          sessionStorage.setItem(recent, JSON.stringify([...made, { campaignId: created.campaignId, name: created.name }]));
          sessionStorage.setItem("donations.notice", t("campaignCreated", { name: created.name }));
          ctx.refresh();
        } catch (error) { fail(error); }
      } }, el("label", {}, t("newCampaign"), campaignName), el("button", { type: "submit", class: "secondary", "data-testid": "create-campaign" }, t("create"))),
      el("form", { class: "row", onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          const created = await api.post<{ postId: string }>("posts", { id: pasteUrl.value.trim(), campaignId: pasteCampaign.value || undefined, fundraiserId: pasteFundraiser.value || undefined });
          sessionStorage.setItem("donations.notice", t("added", { id: created.postId }));
          ctx.refresh();
        } catch (error) { fail(error); }
      } }, el("label", {}, t("paste"), pasteUrl), pasteCampaign, pasteFundraiser, el("button", { type: "submit", class: "secondary", "data-testid": "paste-add" }, t("add"))),
      campaigns.length === 0 ? el("p", { class: "muted" }, t("noCampaigns")) : null);
  }
  const notice = sessionStorage.getItem("donations.notice");
  if (notice) { sessionStorage.removeItem("donations.notice"); status.append(ctx.notice(notice)); }

  append(ctx.root, el("h1", {}, t("title")), manager ? tools : null, status,
    ctx.table({
      testid: "vk-posts", rowTestId: (p) => `post-${p.id}`, rows: list.posts,
      columns: [
        { title: t("date"), value: (p) => p.publishedAt, cell: (p) => format.dateTime(p.publishedAt) },
        { title: t("text"), value: (p) => p.text ?? "", cell: (p) => el("div", { class: "text", "data-testid": "post-text" }, p.text ?? el("span", { class: "muted" }, `${p.id} · ${t("pasted")}`)) },
        { title: t("views"), value: (p) => p.views, cell: (p) => format.number(p.views), numeric: true, testid: "views" },
        { title: t("likes"), value: (p) => p.likes, cell: (p) => format.number(p.likes), numeric: true, testid: "likes" },
        { title: t("reposts"), value: (p) => p.reposts, cell: (p) => format.number(p.reposts), numeric: true, testid: "reposts" },
        { title: t("reach"), value: (p) => p.reach, cell: (p) => format.number(p.reach), numeric: true, testid: "reach" },
        { title: t("campaign"), value: (p) => (p.campaignId ? names.get(p.campaignId) ?? p.campaignId : ""), cell: campaignCell },
        { title: t("link"), value: (p) => p.links[0]?.url ?? "", cell: linkCell },
      ],
    }),
    qrBox);
}

const page: Page = { route: "/vk/posts", order: 2, nav: { ru: "Посты", en: "Posts" }, messages, render };
export default page;
