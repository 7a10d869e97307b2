// This page needs models.read, which the section layout checks above this boundary, so a refusal is
// still a real 403. The models section has no loading.tsx of its own: above new, edit, register and
// cost (stricter capabilities) it would stream 200 before their checks could answer 403.
export { default } from "@/components/ui/page-loading";
