<?php
/**
 * Installs WordPress into the (empty) test database, adds an editor, a contributor and a subscriber, activates
 * the plugin. Prints JSON: { version, active, users: { admin, editor, contributor, subscriber }, host_roles }.
 *
 * @package VideoCallWidget
 */

require __DIR__ . '/boot.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
add_filter( 'pre_wp_mail', '__return_false' ); // no "your new site" mail

$result = wp_install( 'Video call test site', 'admin', 'admin@site.example', false, '', 'admin-password' );
$users  = array( 'admin' => (int) $result['user_id'] );
foreach ( array( 'editor' => 'Dana Editor', 'contributor' => 'Cory Contributor', 'subscriber' => 'Sam Subscriber' ) as $role => $name ) {
	$users[ $role ] = wp_insert_user(
		array(
			'user_login'   => $role,
			'user_pass'    => 'pw-' . $role,
			'user_email'   => $role . '@site.example',
			'display_name' => $name,
			'role'         => $role,
		)
	);
	if ( is_wp_error( $users[ $role ] ) ) {
		fwrite( STDERR, $users[ $role ]->get_error_message() . "\n" );
		exit( 1 );
	}
}
$activated = activate_plugin( 'video-call-widget/video-call-widget.php' );
if ( is_wp_error( $activated ) ) {
	fwrite( STDERR, 'activate_plugin: ' . $activated->get_error_message() . "\n" );
	exit( 1 );
}
$host_roles = array_keys( array_filter( wp_roles()->role_objects, function ( $role ) { return $role->has_cap( 'vcw_host_calls' ); } ) );
echo wp_json_encode( array( 'version' => get_bloginfo( 'version' ), 'active' => get_option( 'active_plugins' ), 'users' => $users, 'host_roles' => $host_roles ) );
