<?php
/**
 * Boots the WordPress installed from Debian's package (/usr/share/wordpress) from the command line, against a
 * test database and content directory, without Debian's per-host config files in /etc/wordpress.
 * VCW_WP (JSON): { abspath, content_dir, socket, url }.
 *
 * @package VideoCallWidget
 */

$vcw_wp = json_decode( (string) getenv( 'VCW_WP' ), true );
if ( ! is_array( $vcw_wp ) ) {
	fwrite( STDERR, "boot.php: set VCW_WP\n" );
	exit( 2 );
}
$_SERVER['HTTP_HOST']   = parse_url( $vcw_wp['url'], PHP_URL_HOST );
$_SERVER['SERVER_NAME'] = $_SERVER['HTTP_HOST'];
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['HTTPS']       = 'on';

define( 'ABSPATH', rtrim( $vcw_wp['abspath'], '/' ) . '/' );
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'root' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', 'localhost:' . $vcw_wp['socket'] );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
define( 'WP_CONTENT_DIR', $vcw_wp['content_dir'] );
define( 'WP_CONTENT_URL', $vcw_wp['url'] . '/wp-content' );
define( 'WP_HOME', $vcw_wp['url'] );
define( 'WP_SITEURL', $vcw_wp['url'] );
define( 'DISABLE_WP_CRON', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_DEBUG', false );
foreach ( array( 'AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT' ) as $vcw_key ) {
	define( $vcw_key, 'test-only-' . $vcw_key );
}
if ( ! empty( $vcw_wp['installing'] ) ) {
	define( 'WP_INSTALLING', true );
}
$table_prefix = 'wp_'; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited

require_once ABSPATH . 'wp-settings.php';
