import OpenGraphImage from "./opengraph-image";

// Same picture as the Open Graph image; the file convention needs its own config exports.
export const size = { width: 1200, height: 630 };
export const contentType = "image/png";
export const alt = "Heatmap of linear-probe accuracy over augmentation strength and mix ratio";
export default OpenGraphImage;
