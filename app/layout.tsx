import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { requestOrigin } from "@/lib/api/origin";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  return {
    // Absolute URLs for link previews (og:image) on whatever host serves the app.
    metadataBase: new URL(await requestOrigin()),
    title: { default: "Inflation Lab", template: "%s · Inflation Lab" },
    description: "Sweep augmentation strength against generated-data inflation for contrastive learning, training in your browser.",
  };
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <Link href="/" className="brand">
            Inflation Lab
          </Link>
          <nav aria-label="Main">
            <Link href="/">My sweeps</Link>
            <Link href="/sweeps/new">New sweep</Link>
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
