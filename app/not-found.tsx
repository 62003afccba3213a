import Link from "next/link";

export default function NotFound() {
  return (
    <div className="panel empty">
      <h1>Not found</h1>
      <p>There is no sweep at this address. It may have been deleted, or the link is incomplete.</p>
      <p>
        <Link href="/">Go to your sweeps</Link>
      </p>
    </div>
  );
}
