/*
 * sync.h — the provider sync's settings (sync.c): bounce_mgmt.sync_overlap.
 */
#ifndef BM_SYNC_H
#define BM_SYNC_H

extern void bm_sync_init(void);

#endif							/* BM_SYNC_H */
