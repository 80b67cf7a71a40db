import type { Api } from "./api";

export interface CampaignLine { campaignId: string; name: string }

// Reports learn a new campaign a moment after it is made: the ones made in this tab are kept until the reports show them.
const recent = (ngo: string) => `donations.campaigns.${ngo}`;

/** The NGO's campaigns as the reports know them, with those just made in this tab. */
export async function campaignsOf(api: Api, ngo: string): Promise<CampaignLine[]> {
  const known = await api.get<CampaignLine[]>("reports/campaigns");
  const made = (JSON.parse(sessionStorage.getItem(recent(ngo)) ?? "[]") as CampaignLine[]).filter((c) => !known.some((k) => k.campaignId === c.campaignId));
  sessionStorage.setItem(recent(ngo), JSON.stringify(made));
  return [...known, ...made];
}

export function rememberCampaign(ngo: string, campaign: CampaignLine): void {
  const made = JSON.parse(sessionStorage.getItem(recent(ngo)) ?? "[]") as CampaignLine[];
  sessionStorage.setItem(recent(ngo), JSON.stringify([...made, { campaignId: campaign.campaignId, name: campaign.name }]));
}
