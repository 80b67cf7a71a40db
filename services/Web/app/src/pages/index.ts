// The page registry: one line per page, in the block of its area (the navigation orders areas as reports, vk, setup,
// and pages in an area by their `order`, then route).

// Reports
export { default as reportsSummary } from "./reports/summary";

// VK

// Settings
