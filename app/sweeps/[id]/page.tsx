import type { Metadata } from "next";
import { cookies } from "next/headers";
import { notFound } from "next/navigation";
import { requestOrigin } from "@/lib/api/origin";
import { ownerCookieName } from "@/lib/api/request";
import { getDb } from "@/lib/db/client";
import { parseViewState } from "@/lib/view/view-state";
import { loadSweepPage } from "@/lib/repo/sweep-page";
import { RunPanel } from "@/app/_components/run/RunPanel";
import { ShareBox } from "@/app/_components/sweep/ShareBox";
import { SweepLive } from "@/app/_components/sweep/SweepLive";
import { SweepSummary } from "@/app/_components/sweep/SweepSummary";
import { SweepQuality } from "@/app/_components/data/SweepQuality";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sweep" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

async function load(id: string) {
  const page = await loadSweepPage(await getDb(), { id }, (await cookies()).get(ownerCookieName(id))?.value);
  if (!page) notFound();
  return page;
}

export default async function SweepPage({ params, searchParams }: Props) {
  const { id } = await params;
  const { sweep, trials, total, owner, datasets } = await load(id);
  const origin = await requestOrigin();
  const query = await searchParams;
  return (
    <>
      <h1>{sweep.name}</h1>
      {sweep.description ? <p className="lede">{sweep.description}</p> : null}
      {owner && query.rotated === "1" ? (
        <div className="alert info" role="status">
          <strong>New run link.</strong> This page&apos;s address is the sweep&apos;s run link now; the old one no longer works, and the trials that
          were running under it are queued again. Give the new link to the people who run the sweep.
        </div>
      ) : null}
      <div className="panel">
        <SweepSummary sweep={sweep} datasets={datasets} />
        <SweepQuality config={sweep.config} generatedRef={sweep.generatedRef} />
        <div style={{ marginTop: "0.8rem" }}>
          <ShareBox url={`${origin}/s/${sweep.shareId}`} label="Read-only share link" />
        </div>
        {owner ? (
          <div style={{ marginTop: "0.5rem" }}>
            <ShareBox
              url={`${origin}/sweeps/${sweep.id}`}
              label="Run link"
              withView={false}
              note="Anyone with it can run trials and post results; “New run link” below revokes it."
            />
          </div>
        ) : null}
        <p className="muted small">
          Anyone with this page&apos;s address can help run the sweep; the share link shows results only.
          {owner ? " You own this sweep: this browser holds its owner secret." : ""}
        </p>
      </div>
      <RunPanel
        sweepId={sweep.id}
        datasetRef={sweep.config.dataset.ref}
        workload={{
          // The encoder's input: the real images' own size (generated images are resized to it).
          inputShape: [datasets.real?.height ?? 28, datasets.real?.width ?? 28, datasets.real?.channels ?? 1],
          batchSize: sweep.config.training.batchSize,
          encoder: sweep.config.encoder,
          temperature: sweep.config.training.temperature,
          learningRate: sweep.config.training.learningRate,
        }}
      />
      <SweepLive
        initial={{ counts: sweep.counts, total, trials }}
        pollUrl={`/api/sweeps/${sweep.id}/trials`}
        config={sweep.config}
        initialView={parseViewState(query)}
        exportBase={`/api/sweeps/${sweep.id}/export`}
        owner={owner ? { sweepId: sweep.id } : undefined}
      />
    </>
  );
}
