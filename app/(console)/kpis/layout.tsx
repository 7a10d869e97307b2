import { createSectionLayout } from "@/app/_server/section-layout";

export default createSectionLayout("kpis");
