package org.mptcplab.stack.observe;

/**
 * Counters named after the Linux kernel's MPTcpExt MIB (net/mptcp/mib.c), so that a kernel
 * developer can set our numbers beside {@code nstat -az | grep MPTcpExt}. The last few have no
 * kernel counterpart and say so in their names' comments.
 */
public enum Mib {
    MPCapableSYNRX, MPCapableSYNTX, MPCapableSYNACKRX, MPCapableACKRX, MPCapableFallbackACK, MPCapableFallbackSYNACK,
    MPFallbackTokenInit, MPTCPRetrans, MPJoinNoTokenFound, MPJoinSynRx, MPJoinSynBackupRx, MPJoinSynAckRx,
    MPJoinSynAckBackupRx, MPJoinSynAckHMacFailure, MPJoinAckRx, MPJoinAckHMacFailure, MPJoinRejected, MPJoinSynTx,
    DSSNotMatching, DSSCorruptionFallback, DSSCorruptionReset, InfiniteMapTx, InfiniteMapRx, DSSNoMatchTCP,
    DataCsumErr, NoDSSInWindow, OFOQueueTail, OFOQueue, DuplicateData, AddAddr, AddAddrTx, AddAddrDrop, EchoAdd, EchoAddTx,
    RmAddr, RmAddrTx, RmSubflow, MPPrioTx, MPPrioRx, MPFailTx, MPFailRx, MPFastcloseTx, MPFastcloseRx, MPRstTx,
    MPRstRx, RcvPruned, SubflowStale, SubflowRecover, SndWndShared, RcvWndShared, MPCurrEstab,
    /** ADD_ADDR received with a port (RFC 8684 3.4.1). */
    PortAdd,
    /** MP_JOIN SYN received on a port we announced, not the connection's own. */
    MPJoinPortSynRx,
    /** MP_JOIN SYN/ACK received from a port the peer announced, not the connection's own. */
    MPJoinPortSynAckRx,
    /** MP_JOIN SYN received on a port that is neither the connection's nor one we announced: refused. */
    MismatchPortSynRx,
    /** Ours: data ACK for data never sent (RFC 8684 3.3.2), ignored. */
    DataAckInvalid,
    /** Ours: MP_FASTCLOSE whose key is not ours, ignored (RFC 8684 3.5). */
    MPFastcloseBadKey,
    /** Ours: RST outside the window or not exactly at rcv_nxt (RFC 5961 3), ignored or challenged. */
    TcpRstChallenged,
    /** Ours: SYN on a synchronized subflow (RFC 5961 4): challenge ACK. */
    TcpSynChallenged,
    /** Ours: segments dropped for a bad TCP checksum. */
    TcpBadChecksum,
    /** Ours: datagrams that did not decode (typed error), dropped. */
    MalformedPackets,
    /** Ours: TCP retransmissions by timeout and fast retransmit, on all subflows. */
    TcpRetransSegs,
    /** Ours: segments to no socket, answered with RST. */
    TcpNoSocket,
    /**
     * Ours: data-level retransmission timeouts (RFC 8684 3.3.6): the data ACK stood still though
     * the subflows' TCP had acknowledged its next byte, so that byte was sent again. Linux counts
     * these in MPTCPRetrans with its other reinjections.
     */
    DataRto
}
