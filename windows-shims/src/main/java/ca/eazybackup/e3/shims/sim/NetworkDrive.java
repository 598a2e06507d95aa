package ca.eazybackup.e3.shims.sim;

/**
 * A network drive of the simulated machine as a person at it would describe it: {@code net use}'s
 * line plus what Explorer shows.
 *
 * @param letter A–Z
 * @param remote what was mapped (an http URL or a UNC root)
 * @param unc the UNC form Windows reports ({@code \\127.0.0.1@PORT\DavWWWRoot\…} for WebDAV)
 * @param label the name Explorer shows: {@code _LabelFromReg} of its MountPoints2 key, else {@code
 *     DavWWWRoot} (WebDAV) or the share name
 * @param session the logon session that owns the mapping: {@code standard}, {@code elevated} or
 *     {@code service}; only {@code standard} ones are in the user's Explorer (unless linked)
 * @param pid the process that mapped it (null if unknown)
 * @param persistent remembered across restarts ({@code /persistent:yes})
 * @param announced Explorer was told (SHChangeNotify) after it was mapped
 */
public record NetworkDrive(
    char letter,
    String remote,
    String unc,
    String label,
    String session,
    Long pid,
    boolean persistent,
    boolean announced) {}
