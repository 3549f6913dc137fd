// Firefox prefs for the e2e tests: answer as x.com from the local server, and keep Firefox's
// own background traffic (updates, telemetry, safe browsing, remote settings...) off the network
// so the request log shows only what the page and the add-on do.

/** Keep Firefox's own traffic off the network so the request log shows only the page and add-on. */
export function quietPrefs(port, uuids) {
  return {
    // Answer as x.com / twitter.com from our server.
    'network.dns.localDomains': 'x.com,twitter.com',
    'network.trr.mode': 5,
    'network.socket.forcePort': `443=${port}`,
    'network.http.http3.enable': false,
    'network.dns.disablePrefetch': true,
    'network.prefetch-next': false,
    'network.http.speculative-parallel-limit': 0,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    // Fixed moz-extension UUID so the options page URL is known.
    'extensions.webextensions.uuids': JSON.stringify(uuids),
    'extensions.update.enabled': false,
    'extensions.getAddons.cache.enabled': false,
    'extensions.systemAddon.update.enabled': false,
    'extensions.blocklist.enabled': false,
    'app.update.disabledForTesting': true,
    'app.update.auto': false,
    'app.normandy.enabled': false,
    'app.shield.optoutstudies.enabled': false,
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
    'browser.safebrowsing.downloads.enabled': false,
    'browser.safebrowsing.blockedURIs.enabled': false,
    'browser.safebrowsing.provider.mozilla.updateURL': '',
    'browser.safebrowsing.provider.google4.updateURL': '',
    'browser.safebrowsing.provider.google.updateURL': '',
    'toolkit.telemetry.enabled': false,
    'toolkit.telemetry.unified': false,
    'toolkit.telemetry.server': '',
    'toolkit.telemetry.archive.enabled': false,
    'datareporting.healthreport.uploadEnabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'browser.ping-centre.telemetry': false,
    'services.settings.server': 'data:,#remote-settings-off',
    'security.remote_settings.crlite_filters.enabled': false,
    'security.remote_settings.intermediates.enabled': false,
    'security.OCSP.enabled': 0,
    'browser.region.network.url': '',
    'browser.region.update.enabled': false,
    'browser.search.update': false,
    'geo.provider.network.url': '',
    'media.gmp-manager.url': '',
    'media.gmp-gmpopenh264.enabled': false,
    'dom.push.connection.enabled': false,
    'browser.newtabpage.enabled': false,
    'browser.newtab.preload': false,
    'browser.startup.page': 0,
    'browser.startup.homepage': 'about:blank',
    'browser.aboutwelcome.enabled': false,
    'browser.shell.checkDefaultBrowser': false,
    'browser.discovery.enabled': false,
    'browser.topsites.contile.enabled': false,
    'messaging-system.rsexperimentloader.enabled': false,
    'identity.fxaccounts.enabled': false,
    'datareporting.policy.firstRunURL': '',
    'toolkit.telemetry.reportingpolicy.firstRun': false,
    // console.* calls from pages, content scripts and the add-on's background go to Firefox's
    // stdout, which geckodriver relays: the test reads errors there (content processes' console
    // messages never reach the parent's console storage). Browser-internal ones stay off.
    'devtools.console.stdout.content': true,
    'devtools.console.stdout.chrome': false,
  };
}
