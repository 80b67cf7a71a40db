// The page registry: one line per page, in the block of its area (the navigation orders areas as reports, vk, setup,
// and pages in an area by their `order`, then route).

// Reports
export { default as reportsSummary } from "./reports/summary";
export { default as reportsFunnel } from "./reports/funnel";

// VK
export { default as vkConnect } from "./vk/connect";
export { default as vkPosts } from "./vk/posts";
export { default as vkAds } from "./vk/ads";

// Settings
export { default as setupProviders } from "./setup/providers";
