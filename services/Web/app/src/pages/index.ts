// The page registry: one line per page, in the block of its area (the navigation orders areas as reports, vk, setup,
// and pages in an area by their `order`, then route).

// Reports
export { default as reportsSummary } from "./reports/summary";
export { default as reportsFunnel } from "./reports/funnel";
export { default as reportsCampaigns } from "./reports/campaigns";
export { default as reportsFundraisers } from "./reports/fundraisers";
export { default as reportsDaily } from "./reports/daily";
export { default as reportsVerification } from "./reports/verification";
export { default as reportsPayouts } from "./reports/payouts";
export { default as reportsReconciliation } from "./reports/reconciliation";
export { default as reportsDonations } from "./reports/donations";
export { default as reportsDonation } from "./reports/donation";
export { default as reportsRecurring } from "./reports/recurring";

// VK
export { default as vkConnect } from "./vk/connect";
export { default as vkPosts } from "./vk/posts";
export { default as vkAds } from "./vk/ads";

// Settings
export { default as setupProviders } from "./setup/providers";
export { default as setupCampaigns } from "./setup/campaigns";
export { default as setupFundraisers } from "./setup/fundraisers";
export { default as setupSpend } from "./setup/spend";
export { default as setupAttribution } from "./setup/attribution";
export { default as setupOrganisation } from "./setup/organisation";
export { default as setupKeys } from "./setup/keys";
export { default as setupWebhooks } from "./setup/webhooks";
