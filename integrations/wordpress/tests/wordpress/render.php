<?php
/**
 * Renders with real WordPress what a scenario (JSON on stdin) asks for, as the logged-in user it names:
 *   reset    true    first forget the plugin's upgrade: the room index, the stored version, the administrators'
 *                    vcw_host_calls (the next run's init upgrades again)
 *   options  { name: value|null }   set (null deletes) before rendering
 *   posts    [{ author, status, content, id? }]   inserted (or, with id, updated) as their author, as WordPress
 *                    saves posts (save_post); their ids come back in `posts`
 *   user     'admin' | 'editor' | 'contributor' | 'subscriber' | null     display_name  a new name for that user
 *   content  [string]   post content through the_content (shortcodes, blocks, wpautop), outside any post
 *   view     [index]    the scenario's posts (by index into `posts`) through the_content, as their own page
 *   rest     { room, role? }   GET /video-call-widget/v1/token through the REST server
 *   settings { name: value }  update_option through the registered settings' sanitizing
 *   uninstall true    runs the plugin's uninstall.php last
 * Prints JSON: { content: [html], viewed: [html], posts: [id], footer: html, host_roles, rest?, saved?, errors?,
 * uninstalled? }.
 *
 * @package VideoCallWidget
 */

$scenario = json_decode( (string) file_get_contents( 'php://stdin' ), true );
require __DIR__ . '/boot.php';

if ( ! empty( $scenario['reset'] ) ) {
	delete_post_meta_by_key( '_video_call_widget_room' );
	delete_option( 'video_call_widget_db_version' );
	get_role( 'administrator' )->remove_cap( 'vcw_host_calls' );
}
$vcw_posts = array();
foreach ( $scenario['posts'] ?? array() as $vcw_post ) {
	wp_set_current_user( get_user_by( 'login', $vcw_post['author'] )->ID ); // kses as for that author
	$vcw_fields = array(
		'post_author'  => get_current_user_id(),
		'post_status'  => $vcw_post['status'],
		'post_title'   => 'A call',
		'post_content' => $vcw_post['content'],
	);
	$vcw_id     = isset( $vcw_post['id'] ) ? wp_update_post( array( 'ID' => $vcw_post['id'] ) + $vcw_fields, true ) : wp_insert_post( $vcw_fields, true );
	if ( is_wp_error( $vcw_id ) ) {
		fwrite( STDERR, $vcw_id->get_error_message() . "\n" );
		exit( 1 );
	}
	$vcw_posts[] = $vcw_id;
}
foreach ( $scenario['options'] ?? array() as $name => $value ) {
	null === $value ? delete_option( $name ) : update_option( $name, $value );
}
$user = $scenario['user'] ?? null;
wp_set_current_user( null === $user ? 0 : get_user_by( 'login', $user )->ID );
if ( isset( $scenario['display_name'] ) ) {
	wp_update_user( array( 'ID' => get_current_user_id(), 'display_name' => $scenario['display_name'] ) );
	$vcw_id                 = get_current_user_id();
	$GLOBALS['current_user'] = null; // reload the user object from the database
	wp_set_current_user( $vcw_id );
}

$out = array(
	'content'      => array(),
	'viewed'       => array(),
	'posts'        => $vcw_posts,
	'display_name' => wp_get_current_user()->display_name,
);
foreach ( $scenario['content'] ?? array() as $content ) {
	$out['content'][] = apply_filters( 'the_content', $content );
}
foreach ( $scenario['view'] ?? array() as $vcw_index ) {
	$GLOBALS['post'] = get_post( $vcw_posts[ $vcw_index ] ); // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
	setup_postdata( $GLOBALS['post'] );
	$out['viewed'][] = apply_filters( 'the_content', $GLOBALS['post']->post_content );
	wp_reset_postdata();
}
ob_start();
wp_print_footer_scripts();
if ( function_exists( 'wp_script_modules' ) ) {
	wp_script_modules()->print_enqueued_script_modules();
}
$out['footer'] = ob_get_clean();

if ( isset( $scenario['rest'] ) ) {
	$request = new WP_REST_Request( 'GET', '/video-call-widget/v1/token' );
	$request->set_query_params( $scenario['rest'] );
	$response    = rest_do_request( $request );
	$out['rest'] = array( 'status' => $response->get_status(), 'body' => $response->get_data(), 'headers' => $response->get_headers() );
}
if ( isset( $scenario['settings'] ) ) {
	require_once ABSPATH . 'wp-admin/includes/admin.php';
	do_action( 'admin_init' );
	foreach ( $scenario['settings'] as $name => $value ) {
		update_option( $name, $value );
	}
	$out['saved']  = array_map( 'get_option', array_combine( array_keys( $scenario['settings'] ), array_keys( $scenario['settings'] ) ) );
	$out['errors'] = array_column( get_settings_errors(), 'code' );
	ob_start();
	video_call_widget_settings_page();
	$out['page'] = ob_get_clean();
}
if ( ! empty( $scenario['uninstall'] ) ) {
	define( 'WP_UNINSTALL_PLUGIN', 'video-call-widget/video-call-widget.php' );
	include WP_PLUGIN_DIR . '/video-call-widget/uninstall.php';
	wp_cache_flush();
	$out['uninstalled'] = array(
		'options' => array_values( array_filter( array_map( 'get_option', array( 'video_call_widget_server_url', 'video_call_widget_token_secret', 'video_call_widget_allowed_rooms', 'video_call_widget_db_version' ) ) ) ),
		'meta'    => (int) $GLOBALS['wpdb']->get_var( "SELECT COUNT(*) FROM {$GLOBALS['wpdb']->postmeta} WHERE meta_key = '_video_call_widget_room'" ),
	);
}
$out['host_roles'] = array_keys( array_filter( wp_roles()->role_objects, function ( $role ) { return $role->has_cap( 'vcw_host_calls' ); } ) );
echo wp_json_encode( $out, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
