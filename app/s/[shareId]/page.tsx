import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { requestOrigin } from "@/lib/api/origin";
import { parseViewState } from "@/lib/view/view-state";
import { loadSweepPage } from "@/lib/repo/sweep-page";
import { publicSweep } from "@/lib/api/links";
import { ShareBox } from "@/app/_components/sweep/ShareBox";
import { SweepLive } from "@/app/_components/sweep/SweepLive";
import { SweepSummary } from "@/app/_components/sweep/SweepSummary";
import { SweepQuality } from "@/app/_components/data/SweepQuality";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ shareId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

async function load(shareId: string) {
  const page = await loadSweepPage(await getDb(), { shareId });
  if (!page) notFound();
  return { ...page, sweep: publicSweep(page.sweep) };
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { shareId } = await params;
  const { sweep } = await load(shareId);
  const description = `${sweep.trialCount} trials: augmentation × inflation sweep (read-only)`;
  return {
    title: sweep.name,
    description,
    metadataBase: new URL(await requestOrigin()),
    openGraph: { title: sweep.name, description, type: "article" },
    twitter: { card: "summary_large_image", title: sweep.name, description },
  };
}

export default async function SharedSweepPage({ params, searchParams }: Props) {
  const { shareId } = await params;
  const { sweep, trials, total, datasets } = await load(shareId);
  return (
    <>
      <p className="badge status-queued" style={{ marginBottom: "0.5rem" }}>
        Shared, read-only
      </p>
      <h1>{sweep.name}</h1>
      {sweep.description ? <p className="lede">{sweep.description}</p> : null}
      <div className="panel">
        <SweepSummary sweep={sweep} datasets={datasets} />
        <SweepQuality config={sweep.config} generatedRef={sweep.generatedRef} />
        <div style={{ marginTop: "0.8rem" }}>
          <ShareBox url={`${await requestOrigin()}/s/${shareId}`} label="Share link" />
        </div>
      </div>
      <SweepLive
        initial={{ counts: sweep.counts, total, trials }}
        pollUrl={`/api/share/${shareId}`}
        config={sweep.config}
        initialView={parseViewState(await searchParams)}
        exportBase={`/api/share/${shareId}/export`}
      />
    </>
  );
}
