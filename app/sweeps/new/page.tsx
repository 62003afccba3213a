import type { Metadata } from "next";
import { SweepBuilder } from "@/app/_components/builder/SweepBuilder";

export const metadata: Metadata = { title: "New sweep" };

export default function NewSweepPage() {
  return (
    <>
      <h1>New sweep</h1>
      <p className="lede">
        Every combination of augmentation value, mix ratio, generated-set size and seed becomes one trial. The defaults are a quick demo: 4 strengths
        × 3 mix ratios × 1 seed.
      </p>
      <SweepBuilder />
    </>
  );
}
