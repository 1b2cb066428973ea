/** What a plan does to one resource, as the summary, the exposure lines and the rendering name it. */
export type ChangeAction = 'create' | 'update' | 'replace' | 'destroy' | 'read' | 'forget' | 'move';
