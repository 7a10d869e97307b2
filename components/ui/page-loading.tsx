import { LoadingBlock } from "./loading-block";

/** The loading.tsx of every console section. */
export default function PageLoading() {
  return <LoadingBlock />;
}
